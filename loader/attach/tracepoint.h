/* tracepoint.h - attach BPF programs to tracepoints and raw tracepoints.
 *
 * Kernel interfaces (none of them is bpf(2) except through sys_bpf.c):
 *   tracefs          /sys/kernel/tracing/events/CAT/NAME/id: the tracepoint's
 *                    id (mounted here when absent: mount("tracefs"))
 *   perf_event_open  PERF_TYPE_TRACEPOINT, config = that id: a perf event fd
 *   ioctl            PERF_EVENT_IOC_SET_BPF(prog fd), PERF_EVENT_IOC_ENABLE:
 *                    perf_event_set_bpf_prog -> perf_event_attach_bpf_prog
 *                    puts the program in the trace_event_call's prog_array;
 *                    closing the perf fd takes it off again
 *   BPF_LINK_CREATE  (--link) attach_type BPF_PERF_EVENT, target = the perf
 *                    fd: the same attachment held by a link you can pin
 *   BPF_RAW_TRACEPOINT_OPEN  raw tracepoints: bpf_raw_tp_link_attach ->
 *                    bpf_probe_register; the fd returned is a link
 *
 * The program runs for the event on every CPU (the prog_array belongs to
 * the tracepoint, not to the perf event), so one perf event on CPU 0 is
 * enough.
 */
#ifndef RL_TRACEPOINT_H
#define RL_TRACEPOINT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

/* Where a program goes, from its section name:
 *   tracepoint/CAT/NAME, tp/CAT/NAME   -> RL_TP_TRACEPOINT, cat + name
 *   raw_tracepoint/NAME, raw_tp/NAME   -> RL_TP_RAW, name
 * false when the section names no hook. */
enum rl_tp_kind { RL_TP_TRACEPOINT, RL_TP_RAW };
struct rl_tp_target {
	enum rl_tp_kind kind;
	char cat[64];
	char name[128];
};
bool rl_tp_parse_section(const char *sec_name, struct rl_tp_target *t);

/* The tracefs mount: /sys/kernel/tracing, mounted there when no tracefs
 * is found (*mounted then true; the mount stays).  0 or -errno. */
int rl_tracefs_dir(char out[PATH_MAX], bool *mounted, struct rl_diag *d);

/* The id of tracepoint CAT/NAME.  -ENOENT with "no tracepoint CAT/NAME
 * (see /sys/kernel/tracing/events/CAT/)" when there is none. */
int rl_tp_id(const char *cat, const char *name, uint32_t *id, struct rl_diag *d);

/* perf_event_open(PERF_TYPE_TRACEPOINT, id) on CPU 0: the fd or -errno. */
int rl_tp_perf_open(uint32_t id, struct rl_diag *d);
/* PERF_EVENT_IOC_SET_BPF + PERF_EVENT_IOC_ENABLE.  0 or -errno. */
int rl_tp_perf_set_bpf(int perf_fd, int prog_fd, struct rl_diag *d);

/* The kernel path of each way, for --explain. */
const char *rl_tp_kernel_path(enum rl_tp_kind kind, bool link);

#endif
