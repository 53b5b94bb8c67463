package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Named parameters become bind markers only where SQL text is, never inside quotes or comments. */
class NamedParameterQueryTest {

  @Test
  void namesBecomeTheDialectsMarkersInOrder() {
    NamedParameterQuery mysql =
        NamedParameterQuery.parse(
            "SELECT action FROM t WHERE sender = :sender AND rcpt = :recipient", SqlDialect.MYSQL);
    assertThat(mysql.sql()).isEqualTo("SELECT action FROM t WHERE sender = ? AND rcpt = ?");
    assertThat(mysql.names()).containsExactly("sender", "recipient");
  }

  @Test
  void postgresqlParametersAreTextAndCastsStayCasts() {
    NamedParameterQuery pg =
        NamedParameterQuery.parse(
            "SELECT action::text FROM t WHERE net >>= :client_address::inet OR s = :sender;",
            SqlDialect.POSTGRESQL);
    assertThat(pg.sql())
        .isEqualTo("SELECT action::text FROM t WHERE net >>= $1::text::inet OR s = $2::text");
    assertThat(pg.names()).containsExactly("client_address", "sender");
  }

  @Test
  void aNameUsedTwiceIsBoundTwice() {
    NamedParameterQuery q =
        NamedParameterQuery.parse("SELECT :sender WHERE :sender <> ''", SqlDialect.SQLITE);
    assertThat(q.sql()).isEqualTo("SELECT ? WHERE ? <> ''");
    assertThat(q.names()).containsExactly("sender", "sender");
  }

  @Test
  void namesInLiteralsIdentifiersAndCommentsAreLeftAlone() {
    NamedParameterQuery q =
        NamedParameterQuery.parse(
            "SELECT ':sender', \":recipient\" /* :size */ FROM t -- :queue_id\nWHERE a = :sender",
            SqlDialect.POSTGRESQL);
    assertThat(q.names()).containsExactly("sender");
    assertThat(q.sql())
        .isEqualTo(
            "SELECT ':sender', \":recipient\" /* :size */ FROM t -- :queue_id\n"
                + "WHERE a = $1::text");
  }

  @Test
  void theQuerysOwnMarkersAndEmptyQueriesAreRefused() {
    assertThatThrownBy(() -> NamedParameterQuery.parse("SELECT ? ", SqlDialect.MYSQL))
        .hasMessageContaining("own bind markers");
    assertThatThrownBy(() -> NamedParameterQuery.parse("SELECT $1", SqlDialect.POSTGRESQL))
        .hasMessageContaining("own bind markers");
    assertThatThrownBy(() -> NamedParameterQuery.parse(" ; ", SqlDialect.MYSQL))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> NamedParameterQuery.parse("SELECT 'open", SqlDialect.MYSQL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
