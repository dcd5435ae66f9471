/*
 * static.h - the web UI's files: from the copy embedded in the binary
 * (embed_web), or from app->opt.web_dir on disk during development.
 *
 * "/" and any ".../" give that directory's index.html.  A path whose last
 * segment has no '.' and names no file is a client-side route of the
 * single-page app: /portal/... gets portal/index.html, /track/... gets
 * track/index.html (each when it exists), anything else index.html.
 * Responses carry a Content-Type by extension, an ETag (a hash of the
 * bytes; If-None-Match gives 304) and Cache-Control (no-cache for HTML,
 * an hour for the rest).  Embedded files are sent without copying:
 * resp->static_data points into the binary.
 */
#ifndef KF_STATIC_H
#define KF_STATIC_H

#include "http/http.h"
#include "http/server.h"

/*
 * Answer a GET or HEAD for req->path into resp: 200 (body in
 * resp->static_data for embedded files, resp->body for files on disk),
 * 304, or 404 with the JSON error shape.  Paths with "..", a backslash
 * or a control character, and files outside web_dir, are 404.  Returns 0
 * (the answer is in resp either way).
 */
int static_serve(struct app *app, struct req *req, struct resp *resp);

#endif
