package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Secret;
import io.sockmapd.sql.text.PostgresValueText;
import io.sockmapd.testing.DatabaseExtension;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolFactoryTest {
  /**
   * timestamptz arrives as an instant and is shown in {@link PostgresValueText#sessionTimeZone}:
   * the session must run in that zone, whatever the server's default (the running session is
   * checked in {@code PostgresValueTextTest}).
   */
  @Test
  void postgresSessionsRunInTheZoneTimestamptzIsShownIn() {
    HostAndPort host = new HostAndPort("127.0.0.1", 5432);
    var database =
        DatabaseExtension.config(
            DatabaseType.POSTGRESQL, List.of(host), "db", "user", Secret.none(), null);

    assertThat(PoolFactory.postgresOptions(database, host).getProperties())
        .containsEntry("TimeZone", PostgresValueText.sessionTimeZone().getId());
  }

  /** A cluster gets one pool per node from its executor; one pool over several hosts is refused. */
  @Test
  void aSinglePoolIsRefusedForMoreThanOneHost() {
    var database =
        DatabaseExtension.config(
            DatabaseType.POSTGRESQL,
            List.of(new HostAndPort("127.0.0.1", 5432), new HostAndPort("127.0.0.1", 5433)),
            "db",
            "user",
            Secret.none(),
            null);
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> PoolFactory.create(vertx, database))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 hosts");
    } finally {
      var unused = vertx.close().await();
    }
  }
}
