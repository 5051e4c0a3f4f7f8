// SPDX-License-Identifier: GPL-2.0
/*
 * drm-flip: the display test of the e2e initramfs, written against the
 * kernel's DRM UAPI headers (no libdrm on the board).
 *
 *   drm-flip FORMAT FLIPS [HOLD_MS]     FORMAT: XR24, AR24 or RG16
 *
 * Opens /dev/dri/card0, takes the first connected connector, its
 * preferred mode and a CRTC its encoder can drive; creates two dumb
 * buffers in FORMAT and draws a different pattern into each; logs each
 * buffer's CRC-32 as a display engine reads it (each line's visible
 * bytes, without the pitch's padding) and the DMA addresses debugfs gives
 * for them; sets the mode on buffer 0, then page-flips FLIPS times between
 * the buffers, waiting for each flip's vblank event; then, with HOLD_MS,
 * keeps the last buffer on screen that long (for a screenshot).
 *
 * Lines go to /dev/kmsg as "drm-flip: ...", in order with the kernel's;
 * the host's checks parse them (tooling/e2e.sh). Exits non-zero on any
 * failure, after saying why.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>

#include "kmsg.h"

#define CARD "/dev/dri/card0"
#define FB_DEBUGFS "/sys/kernel/debug/dri/0/framebuffer"
#define MAX_OBJS 16
#define EVENT_TIMEOUT_MS 2000

struct buffer {
	uint32_t handle, pitch, fb_id;
	uint64_t size;
	uint8_t *map;
	uint32_t crc;
};

#define say(...) kmsg_say("drm-flip", __VA_ARGS__)

static void __attribute__((noreturn)) fail(const char *what)
{
	say("error: %s: %s", what, strerror(errno));
	exit(1);
}

static void drm_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	while (ioctl(fd, req, arg) < 0)
		if (errno != EINTR && errno != EAGAIN)
			fail(what);
}

/* CRC-32 (IEEE 802.3), chained like zlib's crc32(). */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Eight vertical colour bars; buffer 1 has them in reverse, with a grid. */
static uint32_t pattern_rgb(unsigned int b, unsigned int x, unsigned int y,
			    unsigned int w)
{
	static const uint32_t bars[8] = {
		0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
		0xff00ff, 0xff0000, 0x0000ff, 0x202020,
	};
	unsigned int bar = x * 8 / w;
	uint32_t c = bars[b ? 7 - bar : bar];

	if (b && (x % 32 == 0 || y % 32 == 0))
		return 0x000000;
	/* A gradient down each bar, so that lines differ too. */
	return c & (0x010101 * (0xff - (y & 0x7f)));
}

static void draw(struct buffer *buf, unsigned int b, uint32_t format,
		 unsigned int w, unsigned int h)
{
	unsigned int bpp = format == DRM_FORMAT_RGB565 ? 2 : 4;

	buf->crc = 0;
	for (unsigned int y = 0; y < h; y++) {
		uint8_t *line = buf->map + (size_t)y * buf->pitch;

		for (unsigned int x = 0; x < w; x++) {
			uint32_t rgb = pattern_rgb(b, x, y, w);

			if (bpp == 2) {
				uint16_t v = (rgb >> 8 & 0xf800) |
					     (rgb >> 5 & 0x07e0) |
					     (rgb >> 3 & 0x001f);

				memcpy(line + 2 * x, &v, 2);
			} else {
				/* AR24: opaque on the left half only */
				uint32_t a = format == DRM_FORMAT_XRGB8888 ||
					     x < w / 2 ? 0xff : 0x80;
				uint32_t v = a << 24 | rgb;

				memcpy(line + 4 * x, &v, 4);
			}
		}
		buf->crc = crc32_update(buf->crc, line, (size_t)w * bpp);
	}
}

static void create_buffer(int fd, struct buffer *buf, uint32_t format,
			  unsigned int w, unsigned int h)
{
	struct drm_mode_create_dumb create = {
		.width = w, .height = h,
		.bpp = format == DRM_FORMAT_RGB565 ? 16 : 32,
	};
	struct drm_mode_fb_cmd2 fb = {
		.width = w, .height = h, .pixel_format = format,
	};
	struct drm_mode_map_dumb map = { 0 };

	drm_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create, "CREATE_DUMB");
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;
	fb.handles[0] = buf->handle;
	fb.pitches[0] = buf->pitch;
	drm_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &fb, "ADDFB2");
	buf->fb_id = fb.fb_id;
	map.handle = buf->handle;
	drm_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map, "MAP_DUMB");
	buf->map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			fd, map.offset);
	if (buf->map == MAP_FAILED)
		fail("mmap of a dumb buffer");
}

/* Log debugfs's framebuffer lines that identify a buffer and its DMA. */
static void log_framebuffers(void)
{
	char line[256];
	FILE *f = fopen(FB_DEBUGFS, "r");

	if (!f)
		fail(FB_DEBUGFS);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "framebuffer[") || strstr(line, "dma_addr") ||
		    strstr(line, "size="))
			say("debugfs:%s", line);
	}
	fclose(f);
}

struct output {
	uint32_t connector, crtc;
	struct drm_mode_modeinfo mode;
};

/* The first connected connector, its preferred mode, a CRTC for it. */
static void find_output(int fd, struct output *out)
{
	uint32_t crtcs[MAX_OBJS], conns[MAX_OBJS], encs[MAX_OBJS];
	struct drm_mode_card_res res = { 0 };

	drm_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");
	if (res.count_crtcs > MAX_OBJS || res.count_connectors > MAX_OBJS ||
	    res.count_encoders > MAX_OBJS || !res.count_crtcs) {
		errno = ERANGE;
		fail("resources");
	}
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	res.encoder_id_ptr = (uintptr_t)encs;
	res.count_fbs = 0;
	drm_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");

	for (unsigned int i = 0; i < res.count_connectors; i++) {
		struct drm_mode_modeinfo modes[64];
		struct drm_mode_get_connector c = { .connector_id = conns[i] };
		struct drm_mode_get_encoder e = { 0 };
		unsigned int m = 0;

		drm_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c, "GETCONNECTOR");
		if (c.connection != 1 || !c.count_modes || !c.encoder_id)
			continue;
		if (c.count_modes > 64) {
			errno = ERANGE;
			fail("modes of the connector");
		}
		c.modes_ptr = (uintptr_t)modes;
		c.count_props = 0;
		c.count_encoders = 0;
		drm_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c, "GETCONNECTOR");
		for (unsigned int k = 0; k < c.count_modes; k++)
			if (modes[k].type & DRM_MODE_TYPE_PREFERRED) {
				m = k;
				break;
			}
		e.encoder_id = c.encoder_id;
		drm_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &e, "GETENCODER");
		for (unsigned int k = 0; k < res.count_crtcs; k++)
			if (e.possible_crtcs & (1u << k)) {
				out->connector = conns[i];
				out->crtc = crtcs[k];
				out->mode = modes[m];
				return;
			}
	}
	errno = ENODEV;
	fail("no connected connector with a mode and a CRTC");
}

/* Wait for the flip event of @expect; returns its vblank sequence. */
static unsigned int wait_flip(int fd, uint64_t expect)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[1024];
	ssize_t n;

	for (;;) {
		struct drm_event_vblank *ev = (void *)buf;

		if (poll(&p, 1, EVENT_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			fail("no flip event");
		}
		n = read(fd, buf, sizeof(buf));
		if (n < (ssize_t)sizeof(*ev))
			fail("reading an event");
		if (ev->base.type == DRM_EVENT_FLIP_COMPLETE &&
		    ev->user_data == expect)
			return ev->sequence;
	}
}

int main(int argc, char **argv)
{
	struct buffer bufs[2] = { 0 };
	struct output out = { 0 };
	struct drm_mode_crtc set = { 0 };
	uint32_t format;
	unsigned int w, h;
	int fd, flips;

	kmsg = open("/dev/kmsg", O_WRONLY);
	if (argc < 3 || argc > 4 || strlen(argv[1]) != 4) {
		say("usage: drm-flip XR24|AR24|RG16 FLIPS [HOLD_MS]");
		return 2;
	}
	format = fourcc_code(argv[1][0], argv[1][1], argv[1][2], argv[1][3]);
	if (format != DRM_FORMAT_XRGB8888 && format != DRM_FORMAT_ARGB8888 &&
	    format != DRM_FORMAT_RGB565) {
		say("error: format %s is not XR24, AR24 or RG16", argv[1]);
		return 2;
	}
	flips = atoi(argv[2]);

	fd = open(CARD, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail(CARD);
	find_output(fd, &out);
	w = out.mode.hdisplay;
	h = out.mode.vdisplay;
	say("mode %ux%u@%u (%s) connector %u crtc %u", w, h,
	    out.mode.vrefresh, out.mode.name, out.connector, out.crtc);

	for (unsigned int b = 0; b < 2; b++) {
		create_buffer(fd, &bufs[b], format, w, h);
		draw(&bufs[b], b, format, w, h);
		say("buffer %u fb %u %ux%u format %s pitch %u size %llu crc 0x%08x",
		    b, bufs[b].fb_id, w, h, argv[1], bufs[b].pitch,
		    (unsigned long long)bufs[b].size, bufs[b].crc);
	}
	log_framebuffers();

	set.crtc_id = out.crtc;
	set.fb_id = bufs[0].fb_id;
	set.set_connectors_ptr = (uintptr_t)&out.connector;
	set.count_connectors = 1;
	set.mode = out.mode;
	set.mode_valid = 1;
	drm_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &set, "SETCRTC");
	say("scanning out buffer 0");

	for (int i = 1; i <= flips; i++) {
		struct drm_mode_crtc_page_flip flip = {
			.crtc_id = out.crtc,
			.fb_id = bufs[i % 2].fb_id,
			.flags = DRM_MODE_PAGE_FLIP_EVENT,
			.user_data = i,
		};
		unsigned int seq;

		drm_ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip, "PAGE_FLIP");
		seq = wait_flip(fd, i);
		say("flip %d to buffer %d at vblank %u", i, i % 2, seq);
	}
	say("done: %d flips", flips);
	if (argc == 4) {
		say("holding buffer %d for %s ms", flips % 2, argv[3]);
		usleep(atoi(argv[3]) * 1000);
	}
	return 0;
}
