" SPDX-License-Identifier: LGPL-2.1-or-later
" protmm scenarios.
autocmd BufRead,BufNewFile *.pmm setfiletype pmm
