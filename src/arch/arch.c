// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "arch/arch.h"
#include "arch/arm64/mte.h"
#include "arch/s390/uv.h"
#include "arch/x86/x86.h"

const struct arch_mm_ops *arch_ops = &generic_arch_ops;

static const struct arch_mm_ops *const machines[] = {
	&generic_arch_ops,
	&arm64_mte_arch_ops,
	&x86_sme_arch_ops,
	&x86_sev_arch_ops,
	&s390_pv_arch_ops,
	&x86_snp_arch_ops,
	&x86_tdx_arch_ops,
};

const char *arch_machine_name(unsigned int i)
{
	return i < sizeof(machines) / sizeof(machines[0]) ? machines[i]->name : NULL;
}

const struct arch_mm_ops *arch_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (!strcmp(machines[i]->name, name))
			return machines[i];
	return NULL;
}
