package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code init_sql} database key. */
class ConfigLoaderInitSqlTest {
  private static final Path BASE = Path.of("/etc/sockmapd");

  private static SockmapdConfig parse(String database) throws ConfigException {
    return new ConfigLoader(name -> null)
        .parse(
            "{\"listen\": [\"inet:127.0.0.1:8732\"], \"databases\": {\"db\": "
                + database
                + "}, \"maps\": {\"m\": {\"database\": \"db\", \"query\": \"SELECT 1\"}}}",
            "test.json",
            BASE);
  }

  @Test
  void initSqlResolvesAgainstTheConfigFolder() throws ConfigException {
    DatabaseConfig db =
        parse("{\"type\": \"sqlite\", \"path\": \"data/q.db\", \"init_sql\": \"seed/q.sql\"}")
            .databases()
            .get("db");
    assertThat(db.initSql()).isEqualTo(BASE.resolve("seed/q.sql"));
    assertThat(db.path()).isEqualTo(BASE.resolve("data/q.db"));
  }

  @Test
  void initSqlIsOptional() throws ConfigException {
    assertThat(parse("{\"type\": \"sqlite\", \"path\": \"q.db\"}").databases().get("db").initSql())
        .isNull();
  }

  @Test
  void initSqlAppliesOnlyToSqlite() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"type\": \"postgresql\", \"hosts\": [\"h\"], \"database\": \"d\","
                        + " \"init_sql\": \"x.sql\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.databases.db.init_sql: applies only to sqlite");
  }
}
