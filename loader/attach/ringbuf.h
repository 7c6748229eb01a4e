/* ringbuf.h - read the records of a BPF_MAP_TYPE_RINGBUF map from user space.
 *
 * Kernel interface: mmap(2) and epoll(7) on the map fd (kernel/bpf/ringbuf.c),
 * no bpf(2) call:
 *
 *   offset 0         one page, read-write: consumer_pos (ours to advance)
 *   offset page      one page, read-only:  producer_pos (the kernel's)
 *   offset 2 pages   the data area, mapped TWICE back to back, read-only,
 *                    so a record that wraps the end reads as one piece
 *
 * Each record: an 8-byte header { u32 len; u32 pg_off; } then len bytes,
 * the next header at round_up(8 + len, 8).  len's bit 31 (BUSY) means the
 * program has reserved but not yet submitted it - stop there; bit 30
 * (DISCARD) means bpf_ringbuf_discard - skip it.  After reading, store the
 * new consumer_pos: that frees the space for the producer.
 *
 * epoll on the map fd says EPOLLIN when records wait (ringbuf_map_poll).
 */
#ifndef RL_RINGBUF_H
#define RL_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct rl_ringbuf {
	int map_fd;
	int epfd;
	size_t page, size;          /* size: max_entries, a power of 2 of pages */
	void *cons_map, *prod_map;
	volatile unsigned long *cons_pos, *prod_pos;
	const uint8_t *data;
};

/* fn gets each submitted record; a non-zero return stops the read there. */
typedef int (*rl_ringbuf_fn)(void *ctx, const void *rec, uint32_t len);

int rl_ringbuf_open(struct rl_ringbuf *rb, int map_fd, uint32_t max_entries, struct rl_diag *d);
/* Wait up to timeout_ms for records, then read all that are there.
 * Returns how many were read (0 on timeout or EINTR), or -errno. */
int rl_ringbuf_poll(struct rl_ringbuf *rb, int timeout_ms, rl_ringbuf_fn fn, void *ctx);
/* Read what is there without waiting. */
int rl_ringbuf_consume(struct rl_ringbuf *rb, rl_ringbuf_fn fn, void *ctx);
void rl_ringbuf_close(struct rl_ringbuf *rb);

#endif
