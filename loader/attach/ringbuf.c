/* ringbuf.c - the user-space consumer of a BPF ring buffer (ringbuf.h). */
#include "ringbuf.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#define RB_BUSY    (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR     8u

int rl_ringbuf_open(struct rl_ringbuf *rb, int map_fd, uint32_t max_entries, struct rl_diag *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	long page = sysconf(_SC_PAGESIZE);

	memset(rb, 0, sizeof(*rb));
	rb->map_fd = map_fd;
	rb->epfd = -1;
	rb->page = (size_t)page;
	rb->size = max_entries;
	if (!max_entries || (max_entries & (max_entries - 1)) || max_entries % rb->page)
		return rl_err(d, EINVAL, "ring buffer of %u bytes: not a power of 2 of pages", max_entries);
	rb->cons_map = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (rb->cons_map == MAP_FAILED) {
		rb->cons_map = NULL;
		return rl_err(d, errno, "mmap of the ring buffer's consumer page: %s", strerror(errno));
	}
	/* producer page + the data twice (ringbuf_map_mmap_kern allows only
	 * PROT_READ from this offset on) */
	rb->prod_map = mmap(NULL, rb->page + 2 * rb->size, PROT_READ, MAP_SHARED, map_fd,
			    (off_t)rb->page);
	if (rb->prod_map == MAP_FAILED) {
		rb->prod_map = NULL;
		rl_ringbuf_close(rb);
		return rl_err(d, errno, "mmap of the ring buffer's data: %s", strerror(errno));
	}
	rb->cons_pos = rb->cons_map;
	rb->prod_pos = rb->prod_map;
	rb->data = (const uint8_t *)rb->prod_map + rb->page;
	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epfd < 0 || epoll_ctl(rb->epfd, EPOLL_CTL_ADD, map_fd, &ev)) {
		int err = errno;

		rl_ringbuf_close(rb);
		return rl_err(d, err, "epoll on the ring buffer map: %s", strerror(err));
	}
	return 0;
}

int rl_ringbuf_consume(struct rl_ringbuf *rb, rl_ringbuf_fn fn, void *ctx)
{
	unsigned long cons = __atomic_load_n(rb->cons_pos, __ATOMIC_ACQUIRE);
	unsigned long prod = __atomic_load_n(rb->prod_pos, __ATOMIC_ACQUIRE);
	int n = 0;

	while (cons < prod) {
		const uint32_t *hdr = (const uint32_t *)(rb->data + (cons & (rb->size - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		int stop = 0;

		if (len & RB_BUSY)
			break;          /* reserved, not yet submitted */
		cons += (RB_HDR + (len & ~(RB_BUSY | RB_DISCARD)) + 7) & ~7ul;
		if (!(len & RB_DISCARD)) {
			stop = fn(ctx, hdr + 2, len & ~(RB_BUSY | RB_DISCARD));
			n++;
		}
		/* release: the kernel may reuse the space once it sees this */
		__atomic_store_n(rb->cons_pos, cons, __ATOMIC_RELEASE);
		if (stop)
			break;
	}
	return n;
}

int rl_ringbuf_poll(struct rl_ringbuf *rb, int timeout_ms, rl_ringbuf_fn fn, void *ctx)
{
	struct epoll_event ev;
	int r = epoll_wait(rb->epfd, &ev, 1, timeout_ms);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return rl_ringbuf_consume(rb, fn, ctx);
}

void rl_ringbuf_close(struct rl_ringbuf *rb)
{
	if (rb->prod_map)
		munmap(rb->prod_map, rb->page + 2 * rb->size);
	if (rb->cons_map)
		munmap(rb->cons_map, rb->page);
	if (rb->epfd >= 0)
		close(rb->epfd);
	rb->prod_map = rb->cons_map = NULL;
	rb->epfd = -1;
}
