// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "sched/knob.h"

/* Kept in name order, so listings are stable. */
static struct knob *knobs;

void knob_register(struct knob *k)
{
	struct knob **pos = &knobs;

	while (*pos && strcmp((*pos)->name, k->name) < 0)
		pos = &(*pos)->next;
	k->next = *pos;
	*pos = k;
}

int pmm_knob_set(const char *name, const char *value)
{
	struct knob *k;
	int i;

	for (k = knobs; k; k = k->next) {
		if (strcmp(k->name, name))
			continue;
		for (i = 0; k->values[i]; i++) {
			if (!strcmp(k->values[i], value)) {
				k->value = i;
				return 0;
			}
		}
		return -EINVAL;
	}
	return -ENOENT;
}

void pmm_knob_reset(void)
{
	struct knob *k;

	for (k = knobs; k; k = k->next)
		k->value = 0;
}

int pmm_knob_get(unsigned int i, struct pmm_knob_info *info)
{
	struct knob *k = knobs;

	while (k && i--)
		k = k->next;
	if (!k)
		return -ENOENT;
	info->name = k->name;
	info->description = k->description;
	info->values = k->values;
	info->value = k->values[k->value];
	return 0;
}
