/* signals.c - SIGINT/SIGTERM during a load/attach sequence must not leave
 * half the work in the kernel.  We block them for the whole sequence and look
 * for a pending one between steps; if one arrived, the command rolls back
 * (undo list) and exits 1 instead of dying half-way. */
#include "cli.h"

#include <signal.h>
#include <stddef.h>

static sigset_t stop_signals(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	return s;
}

void cli_block_signals(void)
{
	sigset_t s = stop_signals();

	sigprocmask(SIG_BLOCK, &s, NULL);
}

bool cli_interrupted(void)
{
	sigset_t pending, s = stop_signals();

	if (sigpending(&pending))
		return false;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&s, sig) && sigismember(&pending, sig))
			return true;
	return false;
}
