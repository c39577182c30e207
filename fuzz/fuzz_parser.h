/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parser harness's entry point (fuzz_parser.c). */
#ifndef PMM_FUZZ_PARSER_H
#define PMM_FUZZ_PARSER_H

#include <stddef.h>
#include <stdint.h>

/* Parses @data; 0, or non-zero when the parser broke a promise (stderr). */
int fuzz_parser_one(const uint8_t *data, size_t size);

#endif /* PMM_FUZZ_PARSER_H */
