/*
 * static.c - see static.h.
 *
 * The request path becomes a path relative to the web root ("rel") after
 * refusing anything that could climb out of it.  Embedded files are
 * looked up in embed_web; their ETags are computed once, for the whole
 * table, on first use.  Files on disk (web_dir, for development) are read
 * whole on each request after realpath() proves they lie inside the
 * root, which also defeats symlinks pointing out of it.
 */
#include "http/static.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/xalloc.h"

#define REL_MAX 1024 /* longest relative path served */
#define DISK_FILE_MAX (32u * 1024 * 1024) /* largest file read from web_dir */
#define ETAG_LEN 20 /* "\"" 16 hex "\"" NUL, rounded */

static const struct {
	const char *ext; /* after the last '.' */
	const char *type; /* Content-Type */
} file_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "svg", "image/svg+xml; charset=utf-8" },
	{ "png", "image/png" },
	{ "ico", "image/x-icon" },
	{ "woff2", "font/woff2" },
	{ "txt", "text/plain; charset=utf-8" },
};

/* Single-page-app fallbacks, tried in order for a missing extension-less path. */
static const struct {
	const char *prefix; /* rel starts with this (or equals it without the '/') */
	const char *index; /* the page that handles it */
} spa_fallbacks[] = {
	{ "portal/", "portal/index.html" },
	{ "track/", "track/index.html" },
	{ "survey/", "survey/index.html" },
	{ "", "index.html" },
};

/*
 * Sent with every HTML page (the workspace, /portal, /track/..., /survey/...;
 * issue 12 item 8).  The pages load only their own modules, styles and
 * JSON, and none has an inline script, handler or style attribute, so the
 * policy needs no 'unsafe-inline'.  Framing is refused (clickjacking), and
 * no Referer leaves a page: a survey or tracking link carries a token in
 * its path.
 */
static const struct {
	const char *name; /* response header */
	const char *value; /* its value */
} html_headers[] = {
	{ "Content-Security-Policy",
	  "default-src 'self'; script-src 'self'; style-src 'self'; "
	  "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
	  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
};

static char (*embed_etags)[ETAG_LEN]; /* per embed_web entry, made once */
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static const char *ext_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *dot = strrchr(slash ? slash + 1 : rel, '.');
	return dot ? dot + 1 : NULL;
}

static const char *type_for(const char *rel)
{
	const char *ext = ext_of(rel);
	for (size_t i = 0; ext && i < sizeof(file_types) / sizeof(file_types[0]); i++)
		if (strcmp(ext, file_types[i].ext) == 0)
			return file_types[i].type;
	return "application/octet-stream";
}

/* FNV-1a, 64 bits: a cache validator, not a security property. */
static void etag_of(const unsigned char *p, size_t n, char out[ETAG_LEN])
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	snprintf(out, ETAG_LEN, "\"%016llx\"", (unsigned long long)h);
}

static void etags_init(void)
{
	size_t n = 0;
	while (embed_web[n].path)
		n++;
	embed_etags = xcalloc(n + 1, sizeof(*embed_etags));
	for (size_t i = 0; i < n; i++)
		etag_of(embed_web[i].data, embed_web[i].len, embed_etags[i]);
}

static const char *embed_etag(const struct embed_file *f)
{
	pthread_once(&etags_once, etags_init);
	return embed_etags[f - embed_web];
}

/*
 * The request path as a path under the web root: no leading '/',
 * "index.html" added after a trailing '/'.  KF_EINVAL for "..", a
 * backslash, control characters, or a path too long.
 */
static int path_to_rel(const char *path, char *rel, size_t relsz)
{
	if (!path || path[0] != '/' || strstr(path, "..") || strchr(path, '\\'))
		return KF_EINVAL;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return KF_EINVAL;
	const char *tail = path[strlen(path) - 1] == '/' ? "index.html" : "";
	int n = snprintf(rel, relsz, "%s%s", path + 1, tail);
	return n < 0 || (size_t)n >= relsz ? KF_EINVAL : 0;
}

/* Read root/rel into out, if it is a regular file inside root after resolving links. */
static int disk_read(const char *dir, const char *rel, struct buf *out)
{
	char root[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int rc = KF_ENOTFOUND;
	int fd = -1;
	if (!realpath(dir, root))
		goto out;
	int n = snprintf(full, sizeof(full), "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof(full) || !realpath(full, real))
		goto out;
	size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (strncmp(real, root, rl) != 0 || real[rl] != '/')
		goto out;
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	rc = KF_ETOOBIG;
	if ((uint64_t)st.st_size > DISK_FILE_MAX)
		goto out;
	buf_reset(out);
	char chunk[16384];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(out, chunk, (size_t)got) < 0)
			goto out;
	rc = got < 0 ? KF_EIO : 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* One lookup: embedded (sets *ef) or on disk (fills disk). */
static int lookup(const struct app *app, const char *rel, const struct embed_file **ef, struct buf *disk)
{
	if (app->opt.web_dir)
		return disk_read(app->opt.web_dir, rel, disk);
	*ef = embed_find(embed_web, rel);
	return *ef ? 0 : KF_ENOTFOUND;
}

static int has_prefix_dir(const char *rel, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(rel, prefix, n) == 0)
		return 1;
	/* "portal" alone belongs to "portal/" */
	return n > 0 && strlen(rel) == n - 1 && strncmp(rel, prefix, n - 1) == 0;
}

/*
 * Find rel, or (spa) the single-page app's page that handles it; rel is
 * rewritten to what was found.
 */
static int find_file(const struct app *app, int spa, char *rel, size_t relsz, const struct embed_file **ef,
                     struct buf *disk)
{
	int rc = lookup(app, rel, ef, disk);
	if (rc != KF_ENOTFOUND || !spa)
		return rc;
	for (size_t i = 0; i < sizeof(spa_fallbacks) / sizeof(spa_fallbacks[0]); i++) {
		if (!has_prefix_dir(rel, spa_fallbacks[i].prefix))
			continue;
		rc = lookup(app, spa_fallbacks[i].index, ef, disk);
		if (rc != KF_ENOTFOUND) {
			snprintf(rel, relsz, "%s", spa_fallbacks[i].index);
			return rc;
		}
	}
	return KF_ENOTFOUND;
}

/* If-None-Match lists the current tag (or is "*"). */
static int not_modified(struct req *req, const char *etag)
{
	const char *inm = req_header(req, "If-None-Match");
	return inm && (strcmp(inm, "*") == 0 || strstr(inm, etag));
}

static void set_headers(struct resp *resp, const char *rel, const char *etag)
{
	reply_header(resp, "ETag", etag);
	const char *ext = ext_of(rel);
	int html = ext && strcmp(ext, "html") == 0;
	reply_header(resp, "Cache-Control", html ? "no-cache" : "public, max-age=3600");
	for (size_t i = 0; html && i < sizeof(html_headers) / sizeof(html_headers[0]); i++)
		reply_header(resp, html_headers[i].name, html_headers[i].value);
}

int static_serve(struct app *app, struct req *req, struct resp *resp)
{
	char rel[REL_MAX];
	char disk_etag[ETAG_LEN];
	const struct embed_file *ef = NULL;
	struct buf disk = BUF_INIT;
	disk.max = DISK_FILE_MAX;
	int rc = path_to_rel(req->path, rel, sizeof(rel));
	if (rc == 0)
		rc = find_file(app, !ext_of(req->path), rel, sizeof(rel), &ef, &disk);
	if (rc < 0) {
		reply_error(resp, 404, "not_found", NULL, "no such file");
		goto out;
	}
	const char *etag = ef ? embed_etag(ef) : disk_etag;
	if (!ef)
		etag_of((const unsigned char *)buf_cstr(&disk), disk.len, disk_etag);
	set_headers(resp, rel, etag);
	if (not_modified(req, etag)) {
		resp->status = 304;
		goto out;
	}
	resp->status = 200;
	resp->content_type = type_for(rel);
	if (ef) {
		resp->static_data = ef->data;
		resp->static_len = ef->len;
	} else {
		buf_release(&resp->body);
		resp->body = disk;
		disk = (struct buf)BUF_INIT;
	}
out:
	buf_release(&disk);
	return 0;
}
