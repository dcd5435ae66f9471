/*
 * mhd_baseline.c - the ceiling kefu's HTTP figures are compared with: a
 * bare libmicrohttpd server (the same version, epoll, internal thread
 * pool of N) answering every request with a fixed JSON body, queued on
 * the last access-handler call as kefu does.  bench/http.sh builds and
 * runs it next to kefu so the ratio comes from one run on one machine.
 *
 *   mhd_baseline PORT WORKERS
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state)
{
	static int marker;
	(void)cls, (void)url, (void)method, (void)version, (void)data;
	if (*state == NULL) {
		*state = &marker;
		return MHD_YES;
	}
	*size = 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
	                                                         MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	unsigned port = (unsigned)strtoul(argv[1], NULL, 10), workers = (unsigned)strtoul(argv[2], NULL, 10);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port,
	                                        NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE,
	                                        workers > 1 ? workers : 0, MHD_OPTION_END);
	if (!d)
		return 1;
	printf("listening\n");
	fflush(stdout);
	pause();
	MHD_stop_daemon(d);
	return 0;
}
