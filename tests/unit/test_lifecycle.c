/* test_lifecycle.c - the pure parts of loader/lifecycle/: the words for each
 * holder and what frees it (holders.c), which sockops programs of a pin
 * directory are attached where (sockops_own.c), and the walk over a pin
 * tree (bpf_objects.c) on an ordinary temporary directory.  No root. */
#include "unit.h"

#include "bpf_objects.h"
#include "holders.h"
#include "sockops_own.h"
#include "xdp_msg.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>

static struct rl_holder holder(enum rl_holder_kind kind, uint32_t id, uint32_t slot, const char *path)
{
	struct rl_holder h = { .kind = kind, .id = id, .slot = slot, .ifindex = 7, .pid = 42, .fd = 5 };

	snprintf(h.name, sizeof(h.name), "sock_ops_map");
	snprintf(h.path, sizeof(h.path), "%s", path);
	return h;
}

static void test_holder_words(void)
{
	char buf[PATH_MAX + 128];
	struct rl_holder h;

	h = holder(RL_HOLD_PIN, 0, 0, "/sys/fs/bpf/x/prog");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_STR(buf, "pin /sys/fs/bpf/x/prog");
	rl_holder_release(&h, buf, sizeof(buf));
	CHECK_STR(buf, "unpin /sys/fs/bpf/x/prog");

	h = holder(RL_HOLD_XDP, 0, RL_XDP_MODE_SKB, "veth-b");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "XDP slot of veth-b (ifindex 7");
	rl_holder_release(&h, buf, sizeof(buf));
	CHECK_STR(buf, "detach xdp veth-b");

	h = holder(RL_HOLD_CGROUP, 0, BPF_CGROUP_SOCK_OPS, "/sys/fs/cgroup/t");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_STR(buf, "cgroup /sys/fs/cgroup/t (CGROUP_SOCK_OPS attachment)");

	h = holder(RL_HOLD_PROG_ARRAY, 9, 3, "");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_STR(buf, "map 9 'sock_ops_map' (prog array) holds this program in slot 3");
	rl_holder_release(&h, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "map 9 drops slot 3");

	h = holder(RL_HOLD_OUTER_MAP, 9, UINT32_MAX, "");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_STR(buf, "map 9 'sock_ops_map' (hash of maps) holds this map");

	h = holder(RL_HOLD_FD, 0, 0, "");
	snprintf(h.name, sizeof(h.name), "sshd");
	rl_holder_text(&h, buf, sizeof(buf));
	CHECK_STR(buf, "process 42 (sshd) has it open as fd 5");
	rl_holder_release(&h, buf, sizeof(buf));
	CHECK_STR(buf, "process 42 closes fd 5");
}

static void test_freed_when(void)
{
	struct rl_holder h[4] = { 0 };
	char buf[4 * PATH_MAX];

	rl_freed_when(h, 0, buf, sizeof(buf));
	CHECK_STR(buf, "nothing else holds it: it goes with the last fd");

	/* one release per distinct holder, joined; the same pin seen twice
	 * (two mounts of one bpffs list the same file) is said once */
	h[0] = holder(RL_HOLD_XDP, 0, RL_XDP_MODE_NATIVE, "veth-b");
	h[1] = holder(RL_HOLD_PIN, 0, 0, "/sys/fs/bpf/a/p");
	h[2] = holder(RL_HOLD_PIN, 0, 0, "/sys/fs/bpf/a/p");
	h[3] = holder(RL_HOLD_FD, 0, 0, "");
	rl_freed_when(h, 4, buf, sizeof(buf));
	CHECK_STR(buf, "detach xdp veth-b + unpin /sys/fs/bpf/a/p + process 42 closes fd 5");

	/* a short buffer is cut, never overrun */
	char small[16];
	rl_freed_when(h, 4, small, sizeof(small));
	CHECK_EQ(strlen(small), sizeof(small) - 1);
}

static struct rl_pin_entry prog_pin(uint32_t id, uint32_t type, int fd)
{
	struct rl_pin_entry e = { .what = RL_PIN_OBJ, .fd = fd };

	e.o.kind = RL_OBJ_PROG;
	e.o.id = id;
	e.o.type = type;
	return e;
}

static bool fake_elsewhere(uint32_t id, char cg[PATH_MAX])
{
	if (id != 11)
		return false;
	snprintf(cg, PATH_MAX, "/sys/fs/cgroup/other");
	return true;
}

static void test_sockops_classify(void)
{
	static struct rl_pin_dir pd;
	struct rl_sockops_dir_state st;
	const uint32_t on_cgroup[] = { 10, 99 };

	memset(&pd, 0, sizeof(pd));
	pd.e[pd.n++] = prog_pin(10, BPF_PROG_TYPE_SOCK_OPS, 3);   /* here */
	pd.e[pd.n++] = prog_pin(11, BPF_PROG_TYPE_SOCK_OPS, 4);   /* another cgroup */
	pd.e[pd.n++] = prog_pin(12, BPF_PROG_TYPE_SOCK_OPS, 5);   /* nowhere */
	pd.e[pd.n++] = prog_pin(13, BPF_PROG_TYPE_SK_MSG, 6);     /* not a sockops program */
	pd.e[pd.n++] = prog_pin(99, BPF_PROG_TYPE_SOCK_OPS, -1);  /* could not be opened */
	pd.e[pd.n] = prog_pin(20, 0, 7);
	pd.e[pd.n].o.kind = RL_OBJ_MAP;
	pd.e[pd.n++].o.type = BPF_MAP_TYPE_SOCKHASH;

	rl_sockops_classify(&pd, on_cgroup, 2, fake_elsewhere, &st);
	CHECK_EQ(st.here, 1);
	CHECK_EQ(st.elsewhere, 1);
	CHECK_EQ(st.loose, 1);
	CHECK_EQ(st.other_id, 11);
	CHECK_STR(st.other_cg, "/sys/fs/cgroup/other");

	/* without looking around, everything not here is loose */
	rl_sockops_classify(&pd, on_cgroup, 2, NULL, &st);
	CHECK_EQ(st.here, 1);
	CHECK_EQ(st.elsewhere, 0);
	CHECK_EQ(st.loose, 2);

	CHECK(rl_pin_is_sockmap(&pd.e[5]));
	CHECK(!rl_pin_is_sockmap(&pd.e[0]));
	CHECK(rl_pin_is_prog(&pd.e[3], BPF_PROG_TYPE_SK_MSG));
	CHECK(!rl_pin_is_prog(&pd.e[4], BPF_PROG_TYPE_SOCK_OPS));
}

struct walk_seen { char paths[8][PATH_MAX]; int n; };

static int note_path(void *ctx, const char *path)
{
	struct walk_seen *w = ctx;

	if (w->n < 8)
		snprintf(w->paths[w->n], PATH_MAX, "%s", strrchr(path, '/') + 1);
	w->n++;
	return 0;
}

static void touch(const char *dir, const char *name)
{
	char p[PATH_MAX + 256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

static void test_pin_walk(void)
{
	char dir[] = "/tmp/rl-lifecycle-XXXXXX", sub[PATH_MAX], deep[PATH_MAX], cmd[PATH_MAX + 16];
	static struct walk_seen w;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/obj", dir);
	snprintf(deep, sizeof(deep), "%s/obj/deeper", dir);
	mkdir(sub, 0700);
	mkdir(deep, 0700);
	touch(dir, "b_prog");
	touch(dir, "a_map");
	touch(sub, "c_prog");
	touch(deep, "d_too_deep");

	/* name order, files only, one level of subdirectories */
	memset(&w, 0, sizeof(w));
	CHECK_EQ(rl_pin_walk(dir, 1, note_path, &w), 0);
	CHECK_EQ(w.n, 3);
	CHECK_STR(w.paths[0], "a_map");
	CHECK_STR(w.paths[1], "b_prog");
	CHECK_STR(w.paths[2], "c_prog");

	memset(&w, 0, sizeof(w));
	CHECK_EQ(rl_pin_walk(dir, 2, note_path, &w), 0);
	CHECK_EQ(w.n, 4);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
	CHECK(rl_pin_walk(dir, 1, note_path, &w) < 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_holder_words),
		UNIT_TEST(test_freed_when),
		UNIT_TEST(test_sockops_classify),
		UNIT_TEST(test_pin_walk),
	};

	return unit_run("lifecycle", tests, sizeof(tests) / sizeof(tests[0]));
}
