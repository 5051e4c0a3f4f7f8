/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging of the e2e initramfs' programs: one line per call, with the
 * program's prefix, through /dev/kmsg so that it lands on the console in
 * order with the kernel's messages (standard error without /dev/kmsg).
 */
#ifndef E2E_KMSG_H
#define E2E_KMSG_H

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int kmsg = -1;

static void __attribute__((format(printf, 2, 3)))
kmsg_say(const char *prefix, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", prefix);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (kmsg < 0 || write(kmsg, buf, n) < 0)
		if (write(2, buf, n) < 0)
			return;
}

#endif /* E2E_KMSG_H */
