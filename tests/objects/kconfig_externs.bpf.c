/* kconfig_externs.bpf.c - `.kconfig` externs of every supported shape (issue 17).
 *
 *   extern                          type               value on the running kernel
 *   LINUX_KERNEL_VERSION            unsigned int       KERNEL_VERSION(uname -r)
 *   LINUX_HAS_BPF_COOKIE            bool               1 on >= 5.15
 *   CONFIG_HZ                       int                CONFIG_HZ
 *   CONFIG_LOG_BUF_SHIFT            unsigned char      CONFIG_LOG_BUF_SHIFT (1 byte)
 *   CONFIG_BPF_JIT                  bool               y -> 1
 *   CONFIG_IPV6                     enum libbpf_tristate  y -> 1, m -> 2
 *   CONFIG_DEFAULT_HOSTNAME         char[8]            the string, cut to 7 + NUL
 *   CONFIG_RAWLOAD_NO_SUCH_OPTION   int, __weak        0 (no such option)
 *
 * The object has no .kconfig section: the loader makes the ".kconfig" map,
 * and test_ecosystem.sh reads it back through bpftool (which decodes it with
 * the DATASEC the loader laid out) against /proc/config.gz and uname.
 * Under BPF_PROG_TEST_RUN the socket filter returns CONFIG_HZ.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

#define __kconfig __attribute__((section(".kconfig")))
#define __weak __attribute__((weak))

enum libbpf_tristate { TRI_NO = 0, TRI_YES = 1, TRI_MODULE = 2 };

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;
extern int CONFIG_HZ __kconfig;
extern unsigned char CONFIG_LOG_BUF_SHIFT __kconfig;
extern _Bool CONFIG_BPF_JIT __kconfig;
extern enum libbpf_tristate CONFIG_IPV6 __kconfig;
extern char CONFIG_DEFAULT_HOSTNAME[8] __kconfig;
extern int CONFIG_RAWLOAD_NO_SUCH_OPTION __kconfig __weak;

__u64 seen[8];

SEC("socket")
int kconfig_values(struct __sk_buff *skb)
{
	seen[0] = LINUX_KERNEL_VERSION;
	seen[1] = LINUX_HAS_BPF_COOKIE;
	seen[2] = CONFIG_LOG_BUF_SHIFT;
	seen[3] = CONFIG_BPF_JIT;
	seen[4] = CONFIG_IPV6;
	seen[5] = CONFIG_DEFAULT_HOSTNAME[0];
	seen[6] = CONFIG_RAWLOAD_NO_SUCH_OPTION;
	return CONFIG_HZ;
}

char LICENSE[] SEC("license") = "GPL";
