// SPDX-License-Identifier: LGPL-2.1-or-later
/* The domains of the scenario language: a new one is one line here. */
#include "scenario/domain.h"

const struct scn_domain *const scn_domains[] = {
	&scn_dom_mm,
	&scn_dom_file,
	&scn_dom_swap,
	&scn_dom_mte,
	&scn_dom_kvm,
	&scn_dom_gmem,
	&scn_dom_shmem,
	&scn_dom_huge,
	&scn_dom_remote,
	&scn_dom_s390,
	&scn_dom_ttm,
	&scn_dom_x86,
	NULL,
};
