/*
 * migrate.h - the schema: numbered SQL files per dialect, compiled into
 * the binary (src/store/migrations/{sqlite,pg}/NNNN_name.sql, read from
 * embed_migrations), applied in order, one transaction each, recorded in
 * the database.
 *
 * The version lives in the table kefu_meta (keys 'app' = 'kefu' and
 * 'schema_version'), and on SQLite also in the file header
 * (PRAGMA application_id = 0x4B454655 "KEFU", PRAGMA user_version = N),
 * which is what the sqlite backend checks before it writes anything.
 * This is the only module that asks db_dialect().
 */
#ifndef KF_MIGRATE_H
#define KF_MIGRATE_H

#include "base/err.h"

struct db;

/* SQLite application_id of a kefu database: "KEFU" in ASCII. */
#define MIGRATE_APP_ID 0x4B454655

/* The highest migration number compiled in (the same for both dialects). */
int migrate_latest(void);

/* The schema version recorded in db; 0 for an empty database. */
int migrate_current(struct db *db, int *version, struct kf_error *err);

/*
 * Apply every migration newer than the database's, each in its own
 * transaction that also records the new version.  *applied (may be NULL)
 * gets how many ran.  Safe against another process migrating at the same
 * time: each step re-reads the version under the transaction's lock.  A
 * database newer than this kefu is refused with KF_EFOREIGN.
 */
int migrate_apply(struct db *db, int *applied, struct kf_error *err);

#endif
