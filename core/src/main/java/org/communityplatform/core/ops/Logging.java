package org.communityplatform.core.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.vertx.core.json.JsonObject;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Sets up Logback from the {@code log} section of the configuration: text or JSON lines on
 * standard output, timestamps always, the root level and per-logger levels, and the request id and
 * organisation of the request being served on every line ({@link VertxMdcFilter}).
 *
 * <p>Until the configuration is read, the bundled {@code logback.xml} applies (text, info). When
 * another SLF4J backend is on the class path (an embedding application's), nothing is changed.
 */
public final class Logging {

  /** The text layout: UTC ISO-8601 time, level, logger, request id and organisation when serving one. */
  public static final String TEXT_PATTERN =
    "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36}%replace( reqId=%X{reqId}){' reqId=$', ''}"
      + "%replace( org=%X{org}){' org=$', ''} - %msg%n";

  private Logging() {
  }

  /** Applies {@code log.format}, {@code log.level} and {@code log.levels}; returns false when Logback is not in use. */
  public static boolean configure(JsonObject log) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext) || log == null) {
      return false;
    }
    LoggerContext ctx = (LoggerContext) factory;
    ctx.reset();
    ctx.addTurboFilter(started(new VertxMdcFilter(), ctx));
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("console");
    console.setEncoder("json".equals(log.getString("format")) ? jsonEncoder(ctx) : textEncoder(ctx));
    console.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(console);
    root.setLevel(level(log.getString("level", "info")));
    JsonObject levels = log.getJsonObject("levels", new JsonObject());
    for (String name : levels.fieldNames()) {
      ctx.getLogger(name).setLevel(level(String.valueOf(levels.getValue(name))));
    }
    return true;
  }

  private static ch.qos.logback.classic.turbo.TurboFilter started(ch.qos.logback.classic.turbo.TurboFilter f,
                                                                    LoggerContext ctx) {
    f.setContext(ctx);
    f.start();
    return f;
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(TEXT_PATTERN);
    e.start();
    return e;
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(ctx);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.setWithContext(false);
    e.setWithArguments(false);
    e.setWithMessage(false);
    e.setWithFormattedMessage(true);
    e.start();
    return e;
  }

  /** A level name of the configuration (checked against the schema's list before this runs). */
  static Level level(String name) {
    return Level.toLevel(name == null ? "info" : name.trim().toUpperCase(Locale.ROOT), Level.INFO);
  }
}
