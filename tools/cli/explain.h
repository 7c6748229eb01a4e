/* explain.h - the teaching mode: `rawload --explain` narrates every bpf(2)
 * call and netlink message, numbered, on stdout; `-v --explain` adds the
 * instruction listings before and after relocation; `-v` alone tells each
 * CO-RE resolution. */
#ifndef RL_CLI_EXPLAIN_H
#define RL_CLI_EXPLAIN_H

#include "cli.h"

/* Install the bpf(2), netlink and CO-RE observers when cli->explain is
 * set; with -v alone only the CO-RE one (each resolution, on stderr);
 * nothing otherwise.  Call once, before the subcommand runs. */
void cli_explain_install(const struct cli *cli);

/* With -v --explain: make the loader report each program's instructions
 * as the ELF section holds them (opts->on_linked); the relocated form is
 * printed from the BPF_PROG_LOAD step itself.  No-op otherwise, and when
 * opts->on_linked is already taken. */
void cli_explain_load_opts(const struct cli *cli, struct rl_load_opts *opts);

/* With --explain: how the object's .kconfig/.ksyms externs resolve. */
void cli_explain_externs(const struct cli *cli, const struct rl_object_spec *spec);

#endif
