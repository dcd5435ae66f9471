/*
 * consumers.h - the table of durable consumers (events/consumer.h), in one
 * place above the domain.  cmd_serve installs it before starting delivery.
 */
#ifndef KF_CONSUMERS_H
#define KF_CONSUMERS_H

void consumers_install(void);

#endif
