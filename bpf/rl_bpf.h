/* rl_bpf.h - the small helper header rawload's BPF programs are built with.
 *
 * A BPF object is an ordinary ELF relocatable file; everything a loader needs
 * to know is expressed through section names, symbols and BTF. This header
 * holds the few conventions the programs rely on:
 *
 *   SEC("xdp")              put a function or variable into a named section;
 *                           the section name tells the loader the program type
 *   __uint/__type/__array   describe a map in BTF (the ".maps" convention)
 *   bpf_xxx(...)            call a kernel helper by its number in enum bpf_func_id
 *   bpf_htons/...           byte order for packet fields
 *   rl_printk(fmt, ...)     bpf_trace_printk with a format in a read-only section
 *
 * Only UAPI headers are needed (<linux/bpf.h> for the helper ids and context
 * structs). Nothing here is copied from libbpf; where the conventions match
 * libbpf's it is because loaders (rawload among them) read the same shapes.
 */
#ifndef RL_BPF_H
#define RL_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>

/* ---- sections and attributes ------------------------------------------ */

#define SEC(name) __attribute__((section(name), used))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif

/* Hide a value from the optimiser so it cannot reason about its range (the
 * verifier then sees exactly the bounds checks written in the source). */
#define barrier_var(var) asm volatile("" : "+r"(var))

/* ---- BTF-defined maps ---------------------------------------------------
 *
 * A map is a global variable in section ".maps" whose type is an anonymous
 * struct. Each member's *type* carries one attribute; the loader reads the
 * struct from BTF, never the variable's bytes:
 *
 *   __uint(type, BPF_MAP_TYPE_HASH)  ->  int (*type)[BPF_MAP_TYPE_HASH];
 *        pointer to an array whose dimension is the number: BTF records
 *        array dimensions, so the value survives into .BTF as a plain integer.
 *   __type(key, struct k)            ->  struct k *key;
 *        pointer to the key type: the loader takes key_size and the BTF type
 *        id from the pointee.
 *   __array(values, struct {...})    ->  struct {...} *values[];
 *        for map-in-map (the inner map's definition) and prog arrays (a
 *        function prototype); an initialiser `.values = { [i] = &x }` leaves
 *        relocations in .rel.maps that name x.
 */
#define __uint(name, val)  int (*name)[val]
#define __type(name, val)  typeof(val) *name
#define __array(name, val) typeof(val) *name[]

/* Values for __uint(pinning, ...): pin the map in bpffs under its own name
 * and reuse an existing compatible pin instead of creating a new map. */
enum rl_pinning {
	LIBBPF_PIN_NONE = 0,
	LIBBPF_PIN_BY_NAME = 1,
};

/* ---- helper functions ---------------------------------------------------
 *
 * A helper call is `call imm` with imm = the helper's number. Declaring each
 * helper as a constant function pointer whose value is that number makes
 * clang emit exactly that instruction; no relocation is involved. The numbers
 * come from enum bpf_func_id in <linux/bpf.h>.
 */
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) =
	(void *) BPF_FUNC_map_lookup_elem;
static long (* const bpf_map_update_elem)(void *map, const void *key,
					  const void *value, __u64 flags) =
	(void *) BPF_FUNC_map_update_elem;
static long (* const bpf_map_delete_elem)(void *map, const void *key) =
	(void *) BPF_FUNC_map_delete_elem;
static long (* const bpf_tail_call)(void *ctx, void *prog_array, __u32 index) =
	(void *) BPF_FUNC_tail_call;
static __u64 (* const bpf_ktime_get_ns)(void) =
	(void *) BPF_FUNC_ktime_get_ns;
static __u32 (* const bpf_get_smp_processor_id)(void) =
	(void *) BPF_FUNC_get_smp_processor_id;
static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) =
	(void *) BPF_FUNC_trace_printk;
static long (* const bpf_redirect)(__u32 ifindex, __u64 flags) =
	(void *) BPF_FUNC_redirect;

/* sockmap / sockhash */
static long (* const bpf_sock_hash_update)(struct bpf_sock_ops *skops,
					   void *map, void *key, __u64 flags) =
	(void *) BPF_FUNC_sock_hash_update;
static long (* const bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map,
					    void *key, __u64 flags) =
	(void *) BPF_FUNC_msg_redirect_hash;
static long (* const bpf_sk_redirect_hash)(struct __sk_buff *skb, void *map,
					   void *key, __u64 flags) =
	(void *) BPF_FUNC_sk_redirect_hash;

/* ring buffer */
static long (* const bpf_ringbuf_output)(void *ringbuf, void *data,
					 __u64 size, __u64 flags) =
	(void *) BPF_FUNC_ringbuf_output;
static void *(* const bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) =
	(void *) BPF_FUNC_ringbuf_reserve;
static void (* const bpf_ringbuf_submit)(void *data, __u64 flags) =
	(void *) BPF_FUNC_ringbuf_submit;
static void (* const bpf_ringbuf_discard)(void *data, __u64 flags) =
	(void *) BPF_FUNC_ringbuf_discard;

/* tracing: who is running, and memory that is not the program's */
static __u64 (* const bpf_get_current_pid_tgid)(void) =
	(void *) BPF_FUNC_get_current_pid_tgid;
static long (* const bpf_get_current_comm)(void *buf, __u32 size) =
	(void *) BPF_FUNC_get_current_comm;
static long (* const bpf_probe_read_user_str)(void *dst, __u32 size, const void *user_ptr) =
	(void *) BPF_FUNC_probe_read_user_str;

/* Helpers that take a callback: the callback's address is loaded with a
 * BPF_PSEUDO_FUNC ld_imm64 that the loader must resolve like a call. */
static long (* const bpf_loop)(__u32 nr_loops, void *callback_fn,
			       void *callback_ctx, __u64 flags) =
	(void *) BPF_FUNC_loop;
static long (* const bpf_for_each_map_elem)(void *map, void *callback_fn,
					    void *callback_ctx, __u64 flags) =
	(void *) BPF_FUNC_for_each_map_elem;

/* ---- byte order -----------------------------------------------------------
 *
 * The BPF target is little endian here (clang -target bpf picks the host's
 * order). Packet fields are big endian, so we swap on little-endian builds.
 * __builtin_bswap* of a constant folds to a constant, so these work in case
 * labels and initialisers.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define bpf_htons(x) ((__u16)__builtin_bswap16((__u16)(x)))
#define bpf_htonl(x) ((__u32)__builtin_bswap32((__u32)(x)))
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define bpf_htons(x) ((__u16)(x))
#define bpf_htonl(x) ((__u32)(x))
#else
#error "rl_bpf.h: unknown byte order"
#endif
#define bpf_ntohs(x) bpf_htons(x)
#define bpf_ntohl(x) bpf_htonl(x)

/* ---- tracing ----------------------------------------------------------------
 *
 * bpf_trace_printk(fmt, fmt_size, up to 3 args) writes one line to
 * /sys/kernel/tracing/trace_pipe. Where the format string ends up depends on
 * how it is written, and both shapes occur in real objects:
 *
 *   rl_printk      static const char array      -> .rodata
 *   rl_printk_str  plain string literal         -> .rodata.str1.1 (clang's
 *                                                  mergeable-string section)
 *
 * Either way the loader turns the section into a frozen one-entry array map
 * and the reference into a BPF_PSEUDO_MAP_VALUE ld_imm64.
 */
#define rl_printk(fmt, ...)						\
	({								\
		static const char rl_fmt__[] = fmt;			\
		bpf_trace_printk(rl_fmt__, sizeof(rl_fmt__), ##__VA_ARGS__); \
	})
#define rl_printk_str(fmt, ...)						\
	bpf_trace_printk(fmt, sizeof(fmt), ##__VA_ARGS__)
#define bpf_printk rl_printk

#endif /* RL_BPF_H */
