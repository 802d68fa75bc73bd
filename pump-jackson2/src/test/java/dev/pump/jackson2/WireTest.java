package dev.pump.jackson2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.serialization.JsonSerializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Date;
import java.util.EnumMap;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire is the same both ways: {@link Jackson2Serializer#create()} writes the bytes that Jackson
 * 3's {@link JsonSerializer#create()} writes, and each reads the other's bytes into the value the
 * writer's own reader gives.
 */
class WireTest {
  private static final JsonSerializer JACKSON_3 = JsonSerializer.create();
  private static final Jackson2Serializer JACKSON_2 = Jackson2Serializer.create();

  /** An enum written by its toString(), as Jackson 3 does by default. */
  public enum Priority {
    LOW,
    HIGH {
      @Override
      public String toString() {
        return "high!";
      }
    }
  }

  public record Line(String sku, int quantity, BigDecimal price) {}

  public record Order(
      String id,
      Priority priority,
      List<Line> lines,
      Map<String, List<Integer>> batches,
      Map<Priority, String> notes,
      Set<String> tags,
      Optional<String> coupon,
      Optional<String> noCoupon,
      OptionalInt rank,
      String nothing,
      Line noLine,
      long sequence,
      double ratio,
      boolean paid,
      char grade,
      BigInteger big,
      byte[] signature,
      UUID correlation) {}

  public record Times(
      Instant instant,
      Instant instantWithMillis,
      Instant longAgo,
      LocalDate date,
      LocalDateTime dateTime,
      LocalTime time,
      OffsetDateTime offsetDateTime,
      OffsetDateTime withNanos,
      OffsetTime offsetTime,
      ZonedDateTime zoned,
      Duration duration,
      Duration negative,
      Period period,
      Year year,
      YearMonth yearMonth,
      MonthDay monthDay,
      Month month,
      DayOfWeek day,
      ZoneId zone,
      ZoneOffset offset,
      Map<LocalDate, String> byDate,
      Date legacyDate,
      java.sql.Date sqlDate,
      Calendar calendar) {}

  public record Text(String value) {}

  /** A plain class: Jackson 3 lists its properties alphabetically and takes URL as it is. */
  public static final class Account {
    private String zone = "eu";
    private int balance = 10;
    private String url = "https://example.org";
    private List<String> owners = List.of("ann");

    public String getZone() {
      return zone;
    }

    public void setZone(String zone) {
      this.zone = zone;
    }

    public int getBalance() {
      return balance;
    }

    public void setBalance(int balance) {
      this.balance = balance;
    }

    public String getURL() {
      return url;
    }

    public void setURL(String url) {
      this.url = url;
    }

    public List<String> getOwners() {
      return owners;
    }

    public void setOwners(List<String> owners) {
      this.owners = owners;
    }

    /** No getter to Jackson 3: the letter after "get" is lower case. */
    public String getxRay() {
      return "hidden";
    }
  }

  public record Holder(Account account, Empty empty) {}

  /** Jackson 3 writes a class without properties as an empty object. */
  public static final class Empty {}

  static List<Object> messages() {
    Map<String, List<Integer>> batches = new LinkedHashMap<>();
    batches.put("b", List.of(2, 3));
    batches.put("a", List.of());
    batches.put("c", null);
    Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("Europe/Paris"));
    calendar.setTimeInMillis(1_767_262_530_123L);
    return List.of(
        new Order(
            "o-1",
            Priority.HIGH,
            List.of(new Line("a", 2, new BigDecimal("12.3400")), new Line("b", 1, null)),
            batches,
            new EnumMap<>(Map.of(Priority.LOW, "later", Priority.HIGH, "now")),
            new TreeSet<>(Set.of("x", "y")),
            Optional.of("SAVE10"),
            Optional.empty(),
            OptionalInt.of(3),
            null,
            null,
            Long.MAX_VALUE,
            0.1,
            true,
            'A',
            new BigInteger("123456789012345678901234567890"),
            new byte[] {1, 2, 3, -1},
            UUID.fromString("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")),
        new Order(
            "o-2",
            Priority.LOW,
            List.of(),
            Map.of(),
            Map.of(),
            Set.of(),
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            null,
            null,
            0,
            -0.0,
            false,
            ' ',
            BigInteger.ZERO,
            new byte[0],
            null),
        new Times(
            Instant.parse("2026-12-06T10:15:30Z"),
            Instant.parse("2026-12-06T10:15:30.120Z"),
            Instant.parse("1900-01-01T00:00:00Z"),
            LocalDate.of(2026, 12, 6),
            LocalDateTime.of(2026, 12, 6, 10, 0),
            LocalTime.of(10, 0, 5, 1_000),
            OffsetDateTime.parse("2026-12-06T10:00:00Z"),
            OffsetDateTime.parse("2026-12-06T10:00:00.123456789Z"),
            OffsetTime.parse("10:00:00+01:00"),
            ZonedDateTime.parse("2026-12-06T10:00:00Z"),
            Duration.ofMillis(1500),
            Duration.ofSeconds(-5, 1),
            Period.of(1, 2, 3),
            Year.of(2026),
            YearMonth.of(2026, 12),
            MonthDay.of(12, 6),
            Month.MAY,
            DayOfWeek.MONDAY,
            ZoneId.of("Europe/Paris"),
            ZoneOffset.ofHours(2),
            new TreeMap<>(Map.of(LocalDate.of(2026, 1, 2), "d")),
            new Date(1_767_262_530_123L),
            new java.sql.Date(1_767_262_530_000L),
            calendar),
        new Text(
            "quote \" backslash \\ slash / </script> tab \t nul \u0000 é ✓ \uD83D\uDE00 \u2028"),
        new Holder(new Account(), new Empty()),
        List.of(1, "two", 3.5, true),
        Map.of("k", "v"));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void jackson2WritesTheBytesJackson3Writes(Object message) {
    byte[] jackson3 = JACKSON_3.serialize(message);

    assertThat(new String(JACKSON_2.serialize(message), StandardCharsets.UTF_8))
        .isEqualTo(new String(jackson3, StandardCharsets.UTF_8));
    assertThat(JACKSON_2.serialize(message)).isEqualTo(jackson3);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void eachReadsTheOthersBytesAsTheWritersOwnReaderDoes(Object message) {
    Class<?> type = message.getClass();
    byte[] fromJackson3 = JACKSON_3.serialize(message);
    byte[] fromJackson2 = JACKSON_2.serialize(message);

    // compared as bytes written again: records holding arrays have no useful equals()
    assertThat(JACKSON_3.serialize(JACKSON_2.deserialize(fromJackson3, type)))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(
            new String(
                JACKSON_3.serialize(JACKSON_3.deserialize(fromJackson3, type)),
                StandardCharsets.UTF_8));
    assertThat(JACKSON_2.serialize(JACKSON_3.deserialize(fromJackson2, type)))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(
            new String(
                JACKSON_2.serialize(JACKSON_2.deserialize(fromJackson2, type)),
                StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @MethodSource("otherProducers")
  void jsonFromOtherProducersIsReadAlikeByBoth(String json, Class<?> type) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);

    assertThat(JACKSON_3.serialize(JACKSON_2.deserialize(body, type)))
        .isEqualTo(JACKSON_3.serialize(JACKSON_3.deserialize(body, type)));
  }

  public record Stamp(
      Instant instant,
      OffsetDateTime offsetDateTime,
      ZonedDateTime zoned,
      Duration duration,
      Month month,
      Year year,
      Date legacyDate,
      Calendar calendar) {}

  public record Priced(Priority priority, BigDecimal price, double ratio, long sequence) {}

  /** What another language or an older producer may write: offsets, numbers for dates, names. */
  static List<Object[]> otherProducers() {
    return List.of(
        new Object[] {
          """
          {"instant": "2026-12-06T11:15:30+01:00", "offsetDateTime": "2026-12-06T10:00:00+02:00",
           "zoned": "2026-12-06T10:00:00+01:00[Europe/Paris]", "duration": "PT2M",
           "month": "MAY", "year": "2026", "legacyDate": "2026-01-01T10:15:30.123+00:00",
           "calendar": 1767262530123}
          """,
          Stamp.class
        },
        new Object[] {
          """
          {"priority": "high!", "price": 1e2, "ratio": 1, "sequence": "7", "unknown": [1]}
          """,
          Priced.class
        });
  }
}
