/* btf_shapes.bpf.c - a BPF object whose only job is to carry interesting BTF.
 *
 * tests/unit/test_btf.c parses build/tests/objects/btf_shapes.bpf.o and
 * checks what it finds against what this file declares: a struct with
 * bitfields, a union, a 32-bit and a 64-bit enum, a typedef chain, arrays,
 * function prototypes, global variables in .data/.bss/.rodata and a
 * BTF-defined map.  Built from UAPI headers only: the map macros are
 * spelled out here so the object needs no helper header.
 */
#include <linux/types.h>
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct shape_bits {          /* 16 bytes (8-aligned for `when`), 5 members, 3 bitfields */
	__u32 flag_a : 1;
	__u32 flag_b : 3;
	__u32 count  : 28;
	__u16 port;
	__s64 when;
};

union shape_addr {           /* 16 bytes */
	__u32 v4;
	__u8 v6[16];
};

enum shape_color { SHAPE_RED = 1, SHAPE_GREEN = 2, SHAPE_BLUE = 4 };
/* A 64-bit enumerator: clang >= 15 emits ENUM64, clang 14 an 8-byte ENUM
 * (with the value truncated to 32 bits). */
enum shape_big { SHAPE_SMALL = 1, SHAPE_HUGE = 0x123456789ULL };

typedef __u32 shape_u32_t;
typedef shape_u32_t shape_id_t;               /* typedef -> typedef -> __u32 -> INT */
typedef const volatile shape_id_t shape_cv_id_t;
typedef shape_id_t shape_ids_t[7];            /* array typedef: 28 bytes */

struct shape_value {
	struct shape_bits bits;
	union shape_addr addr;
	enum shape_color color;
	enum shape_big big;
	shape_ids_t ids;
	shape_cv_id_t cv;
	struct shape_value *next;                 /* legal self reference */
	__u64 (*callback)(void *ctx, int arg);    /* FUNC_PROTO behind a pointer */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, shape_id_t);
	__type(value, struct shape_value);
} shape_map SEC(".maps");

/* Global data: one variable per section kind. */
__u64 shape_counter = 3;                        /* .data */
__u32 shape_zeroes[4];                          /* .bss */
const volatile __u32 shape_limit = 100;         /* .rodata */
__u16 shape_second_data = 7;                    /* .data, second variable */

static __attribute__((noinline)) int shape_helper(struct shape_value *v, int x)
{
	return v ? v->bits.count + x : x;
}

SEC("xdp")
int shape_xdp(struct xdp_md *ctx)
{
	shape_id_t key = ctx->ingress_ifindex;
	struct shape_value *v;

	v = (struct shape_value *)(long)key;  /* never dereferenced in a real load */
	shape_counter += shape_limit;
	shape_zeroes[key & 3]++;
	shape_second_data++;
	return shape_helper(key ? 0 : v, (int)key) ? XDP_PASS : XDP_DROP;
}

SEC("socket")
int shape_socket(struct __sk_buff *skb)
{
	return skb->len > shape_limit ? 0 : -1;
}

char _license[] SEC("license") = "GPL";
