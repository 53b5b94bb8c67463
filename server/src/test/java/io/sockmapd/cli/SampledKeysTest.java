package io.sockmapd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampled keys' derived forms and their order. */
class SampledKeysTest {
  @Test
  void addressesGetTheirDerivedFormsInSortedOrder() {
    SampledKeys keys = new SampledKeys("+-", 10);
    keys.add('s', List.of("bob@example.org", "alice@example.com", "@example.com"));
    assertThat(keys.keys())
        .containsExactly(
            "@example.com",
            "example.com",
            "@EXAMPLE.COM",
            "alice@example.com",
            "alice+ext@example.com",
            "ALICE@EXAMPLE.COM",
            "bob@example.org",
            "bob+ext@example.org",
            "@example.org",
            "example.org",
            "BOB@EXAMPLE.ORG",
            SampledKeys.NOWHERE_ADDRESS);
  }

  @Test
  void domainsArePairedWithKnownLocalPartsUpToTheLimit() {
    SampledKeys keys = new SampledKeys("", 3);
    keys.add('d', List.of("b.example", "a.example"));
    keys.add('s', List.of("x@c.example", "y@c.example"));
    assertThat(keys.keys())
        .startsWith("a.example", "A.EXAMPLE", "b.example", "B.EXAMPLE", "x@a.example")
        .contains("x+ext@a.example", "y@a.example", "x@b.example")
        .doesNotContain("y@b.example")
        .endsWith(SampledKeys.NOWHERE_ADDRESS);
  }

  @Test
  void domainListsGetADomainThatExistsNowhere() {
    SampledKeys keys = new SampledKeys("+", 5);
    keys.add('s', List.of("example.com"));
    assertThat(keys.keys())
        .containsExactly("example.com", "EXAMPLE.COM", SampledKeys.NOWHERE_DOMAIN);
  }
}
