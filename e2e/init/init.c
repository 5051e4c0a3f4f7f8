// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the e2e initramfs: runs one guest script, /e2e/NAME.e2e, where
 * NAME comes from "e2e=NAME" on the kernel command line, then powers off.
 *
 * Script lines (words separated by blanks; '#' starts a comment):
 *
 *   say TEXT...          log "e2e: TEXT"
 *   insmod FILE          load a kernel module
 *   write FILE VALUE...  write VALUE to FILE (a sysfs attribute)
 *   case NAME            run a case of the e2e test module
 *   cat FILE             log a file's lines
 *   ls DIR               log a directory's entries
 *   readlink PATH        log a symbolic link's target
 *   dmatest SECONDS      start dmatest and wait for it to finish
 *   run PROGRAM ARGS...  run a program of the initramfs and wait for it
 *   sleep MS
 *
 * Everything is logged through /dev/kmsg, so it lands on the console in
 * order with the kernel's messages. A failed step logs "e2e: error: ...";
 * the host counts those. The last line is "e2e: done".
 *
 * Built static with the cross C library: no other userspace is needed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kmsg.h"

#define E2E_RUN "/sys/module/sun50i_iommu_e2e/parameters/run"
#define DMATEST_RUN "/sys/module/dmatest/parameters/run"

#define say(...) kmsg_say("e2e", __VA_ARGS__)

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void cmd_cat(const char *path)
{
	char buf[4096], *line, *save;
	int n = read_file(path, buf, sizeof(buf));

	if (n < 0) {
		say("error: cat %s: %s", path, strerror(-n));
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		say("%s: %s", path, line);
}

static void cmd_ls(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		say("error: ls %s: %s", path, strerror(errno));
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			say("%s/%s", path, e->d_name);
	closedir(d);
}

static void cmd_readlink(const char *path)
{
	char buf[512];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		say("error: readlink %s: %s", path, strerror(errno));
		return;
	}
	buf[n] = '\0';
	say("%s -> %s", path, buf);
}

static void cmd_insmod(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
		say("error: insmod %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void cmd_case(const char *name)
{
	long t0 = now_ms();
	int err = write_file(E2E_RUN, name);

	say("case %s: %s in %ld ms", name, err ? "FAIL" : "PASS",
	    now_ms() - t0);
	if (err && err != -EIO)
		say("error: case %s: %s", name, strerror(-err));
}

static void cmd_dmatest(int seconds)
{
	long t0 = now_ms();
	char buf[8];
	int err = write_file(DMATEST_RUN, "1");

	if (err) {
		say("error: dmatest: %s", strerror(-err));
		return;
	}
	do {
		usleep(100000);
		if (read_file(DMATEST_RUN, buf, sizeof(buf)) > 0 &&
		    buf[0] == 'N') {
			say("dmatest finished in %ld ms", now_ms() - t0);
			return;
		}
	} while (now_ms() - t0 < seconds * 1000L);
	say("error: dmatest did not finish in %d s", seconds);
}

/* Run PROGRAM with the blank-separated ARGS; an error if it fails. */
static void cmd_run(char *prog, char *args)
{
	char *argv[16], *save = NULL;
	int argc = 0, status;
	pid_t pid;

	argv[argc++] = prog;
	for (char *a = strtok_r(args, " \t", &save); a;
	     a = strtok_r(NULL, " \t", &save)) {
		if (argc == 15) {
			say("error: run %s: more than 14 arguments", prog);
			return;
		}
		argv[argc++] = a;
	}
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0) {
		say("error: run %s: %s", prog, strerror(errno));
		return;
	}
	if (!pid) {
		execv(prog, argv);
		say("error: run %s: %s", prog, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		say("error: run %s: waitpid: %s", prog, strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		say("error: run %s: status 0x%x", prog, status);
}

static void run_line(char *line)
{
	char *cmd, *arg, *rest;

	line[strcspn(line, "#\n")] = '\0';
	cmd = strtok_r(line, " \t", &rest);
	if (!cmd)
		return;
	rest += strspn(rest, " \t");
	arg = strtok_r(NULL, " \t", &rest);
	if (rest)
		rest += strspn(rest, " \t");

	if (!strcmp(cmd, "say")) {
		say("%s%s%s", arg ?: "", rest && *rest ? " " : "",
		    rest ?: "");
	} else if (!arg) {
		say("error: %s needs an argument", cmd);
	} else if (!strcmp(cmd, "insmod")) {
		cmd_insmod(arg);
	} else if (!strcmp(cmd, "write")) {
		int err = write_file(arg, rest ?: "");

		if (err)
			say("error: write '%s' to %s: %s", rest ?: "", arg,
			    strerror(-err));
	} else if (!strcmp(cmd, "case")) {
		cmd_case(arg);
	} else if (!strcmp(cmd, "cat")) {
		cmd_cat(arg);
	} else if (!strcmp(cmd, "ls")) {
		cmd_ls(arg);
	} else if (!strcmp(cmd, "readlink")) {
		cmd_readlink(arg);
	} else if (!strcmp(cmd, "dmatest")) {
		cmd_dmatest(atoi(arg));
	} else if (!strcmp(cmd, "run")) {
		cmd_run(arg, rest ?: (char *)"");
	} else if (!strcmp(cmd, "sleep")) {
		usleep(atoi(arg) * 1000);
	} else {
		say("error: unknown command %s", cmd);
	}
}

/* The value of "e2e=" on the kernel command line. */
static int script_name(char *name, size_t len)
{
	char cmdline[1024], *p;

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		return -1;
	for (p = strtok(cmdline, "\n "); p; p = strtok(NULL, "\n "))
		if (!strncmp(p, "e2e=", 4)) {
			snprintf(name, len, "%s", p + 4);
			return 0;
		}
	return -1;
}

int main(void)
{
	char name[64], path[128], line[512];
	FILE *script;
	int fd;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	/* kmemleak's control file; fails harmlessly without debugfs */
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (script_name(name, sizeof(name))) {
		say("error: no e2e=NAME on the kernel command line");
	} else {
		snprintf(path, sizeof(path), "/e2e/%s.e2e", name);
		script = fopen(path, "r");
		if (!script) {
			say("error: %s: %s", path, strerror(errno));
		} else {
			say("script %s", path);
			while (fgets(line, sizeof(line), script))
				run_line(line);
			fclose(script);
		}
	}
	say("done");
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
