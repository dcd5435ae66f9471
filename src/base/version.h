/*
 * version.h - the version of this build: KF_VERSION from the VERSION
 * file and KF_GIT_REV, both passed by the Makefile.
 */
#ifndef KF_VERSION_H
#define KF_VERSION_H

#ifndef KF_VERSION
#define KF_VERSION "0.0.0"
#endif
#ifndef KF_GIT_REV
#define KF_GIT_REV "unknown"
#endif

#endif
