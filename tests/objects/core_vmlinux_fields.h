/* core_vmlinux_fields.h - 101 fields of kernel structs, as an X-macro list.
 *
 * core_vmlinux.bpf.c asks the loader for each field's offset (one CO-RE
 * relocation apiece: the benchmark's "object with ~100 relocations") and
 * tests/integration/core_expect.c computes the same offsets with the host
 * compiler's offsetof() from the same generated vmlinux.h.  The verdict of
 * the BPF program must equal the host's sum.  Fields were chosen among
 * those that have kept their names for many kernel releases.
 */
#ifndef CORE_VMLINUX_FIELDS_H
#define CORE_VMLINUX_FIELDS_H

#define CORE_VMLINUX_NR_FIELDS 101

#define CORE_VMLINUX_FIELDS(X) \
	X(task_struct, flags) \
	X(task_struct, ptrace) \
	X(task_struct, on_cpu) \
	X(task_struct, wake_cpu) \
	X(task_struct, on_rq) \
	X(task_struct, prio) \
	X(task_struct, static_prio) \
	X(task_struct, normal_prio) \
	X(task_struct, rt_priority) \
	X(task_struct, se) \
	X(task_struct, rt) \
	X(task_struct, dl) \
	X(task_struct, sched_class) \
	X(task_struct, policy) \
	X(task_struct, nr_cpus_allowed) \
	X(task_struct, cpus_ptr) \
	X(task_struct, cpus_mask) \
	X(task_struct, tasks) \
	X(task_struct, mm) \
	X(task_struct, active_mm) \
	X(task_struct, exit_state) \
	X(task_struct, exit_code) \
	X(task_struct, exit_signal) \
	X(task_struct, pdeath_signal) \
	X(task_struct, jobctl) \
	X(task_struct, personality) \
	X(task_struct, pid) \
	X(task_struct, tgid) \
	X(task_struct, real_parent) \
	X(task_struct, parent) \
	X(task_struct, children) \
	X(task_struct, sibling) \
	X(task_struct, group_leader) \
	X(task_struct, ptraced) \
	X(task_struct, vfork_done) \
	X(task_struct, set_child_tid) \
	X(task_struct, clear_child_tid) \
	X(task_struct, utime) \
	X(task_struct, stime) \
	X(task_struct, gtime) \
	X(task_struct, nvcsw) \
	X(task_struct, nivcsw) \
	X(task_struct, start_time) \
	X(task_struct, min_flt) \
	X(task_struct, maj_flt) \
	X(task_struct, real_cred) \
	X(task_struct, cred) \
	X(task_struct, comm) \
	X(task_struct, fs) \
	X(task_struct, files) \
	X(task_struct, nsproxy) \
	X(task_struct, signal) \
	X(task_struct, sighand) \
	X(task_struct, blocked) \
	X(task_struct, real_blocked) \
	X(task_struct, pending) \
	X(sk_buff, sk) \
	X(sk_buff, cb) \
	X(sk_buff, len) \
	X(sk_buff, data_len) \
	X(sk_buff, mac_len) \
	X(sk_buff, hdr_len) \
	X(sk_buff, tail) \
	X(sk_buff, end) \
	X(sk_buff, head) \
	X(sk_buff, data) \
	X(sk_buff, truesize) \
	X(sk_buff, users) \
	X(net_device, name) \
	X(net_device, mem_end) \
	X(net_device, mem_start) \
	X(net_device, base_addr) \
	X(net_device, ifindex) \
	X(net_device, flags) \
	X(net_device, mtu) \
	X(net_device, min_mtu) \
	X(net_device, max_mtu) \
	X(net_device, type) \
	X(net_device, hard_header_len) \
	X(net_device, needed_headroom) \
	X(net_device, netdev_ops) \
	X(net_device, header_ops) \
	X(net_device, features) \
	X(sock, sk_rcvbuf) \
	X(sock, sk_sndbuf) \
	X(sock, sk_priority) \
	X(sock, sk_mark) \
	X(sock, sk_protocol) \
	X(sock, sk_type) \
	X(sock, sk_socket) \
	X(sock, sk_err) \
	X(sock, sk_wmem_queued) \
	X(sock, sk_receive_queue) \
	X(file, f_op) \
	X(file, f_mapping) \
	X(file, private_data) \
	X(file, f_inode) \
	X(file, f_flags) \
	X(file, f_mode) \
	X(file, f_pos) \
	X(file, f_cred)

#endif
