package io.sockmapd.testing;

import io.sockmapd.config.DatabaseType;

/**
 * A stored routine that fails with the message it is given, as an application's function may: a
 * PL/pgSQL {@code RAISE EXCEPTION} on PostgreSQL, a {@code SIGNAL SQLSTATE '45000'} on MariaDB. The
 * message is chosen by whoever wrote the routine, so it must never decide whether a node is down.
 */
public final class RaisingRoutine {
  private RaisingRoutine() {}

  /**
   * Creates the routine in {@code db} (again, if it exists) and returns the statement that calls it
   * with the message as its one bind parameter.
   */
  public static String create(TestDatabase db) {
    if (db.type() == DatabaseType.POSTGRESQL) {
      db.withConnection(
          c ->
              c.query(
                      "CREATE OR REPLACE FUNCTION raise_message(msg text) RETURNS text"
                          + " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', msg; END $$")
                  .execute());
      return "SELECT raise_message($1)";
    }
    db.withConnection(
        c ->
            c.query("DROP PROCEDURE IF EXISTS raise_message")
                .execute()
                .compose(
                    v ->
                        c.query(
                                "CREATE PROCEDURE raise_message(msg VARCHAR(200))"
                                    + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg")
                            .execute()));
    return "CALL raise_message(?)";
  }
}
