/* host.h - facts about the running machine that fill in an object's conventions. */
#ifndef RL_HOST_H
#define RL_HOST_H

#include <stdint.h>

#include "diag.h"

/* Count the CPUs in a kernel CPU list ("0-3,8,10-11\n"): 0 on success. */
int rl_parse_cpu_list(const char *s, uint32_t *count);
/* How many CPUs the kernel may ever bring up (/sys/devices/system/cpu/possible),
 * read once per process; negative errno with *d set on failure. */
int rl_possible_cpus(uint32_t *count, struct rl_diag *d);
/* A ring buffer's size: the smallest power of two that is >= want and >= page
 * (the kernel's ringbuf_map_alloc wants a page-aligned power of two); 0 when it
 * would not fit 32 bits. */
uint32_t rl_ringbuf_size(uint32_t want, uint32_t page);

#endif
