package org.communityplatform.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openapitools.codegen.ClientOptInput;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.app.ContractLintTest.onPath;
import static org.communityplatform.app.ContractLintTest.run;

/**
 * A client developer's check of the contract (issue 15, item 7): openapi-generator's
 * {@code typescript-fetch} generator, run in process on the merged {@code /openapi.json} of a
 * running platform, generates a client without a warning or error about the document and without
 * names it had to invent for inline objects ({@code ...200Response}, {@code ...Request}); then,
 * when npm is on the PATH, the client compiles with the TypeScript compiler (pinned, installed into
 * {@code target/typescript} the way {@link ContractLintTest} installs Redocly). Without npm the
 * Java-side generation check still runs and only the compilation is skipped, saying so.
 */
class ClientGenerationTest {

  static final String TYPESCRIPT = "typescript@5.9.3";

  /** How openapi-generator's InlineModelResolver reports a name it made up for an inline schema. */
  static final Pattern INLINE_NAME = Pattern.compile("Inline schema created as (\\S+)\\.");

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  @Test
  void theContractGeneratesATypeScriptClientThatCompiles() throws Exception {
    Path dir = Path.of("target", "client");
    Files.createDirectories(dir);
    Path contract = dir.resolve("openapi.json");
    Files.writeString(contract, p.get().get("/openapi.json").send().json().encodePrettily());
    Path out = dir.resolve("typescript-fetch");
    deleteTree(out);

    Logger generator = (Logger) LoggerFactory.getLogger("org.openapitools");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Level before = generator.getLevel();
    generator.setLevel(Level.INFO);
    generator.addAppender(log);
    long started = System.nanoTime();
    List<File> files;
    try {
      CodegenConfigurator cfg = new CodegenConfigurator()
        .setGeneratorName("typescript-fetch")
        .setInputSpec(contract.toString())
        .setOutputDir(out.toString())
        .setValidateSpec(true)
        .setAdditionalProperties(Map.of("supportsES6", true, "withInterfaces", true));
      ClientOptInput input = cfg.toClientOptInput();
      DefaultGenerator gen = new DefaultGenerator();
      gen.setGeneratorPropertyDefault("apiTests", "false");
      gen.setGeneratorPropertyDefault("modelTests", "false");
      gen.setGeneratorPropertyDefault("apiDocs", "false");
      gen.setGeneratorPropertyDefault("modelDocs", "false");
      files = gen.opts(input).generate();
    } finally {
      generator.detachAppender(log);
      generator.setLevel(before);
    }
    System.out.printf("typescript-fetch generated %d files in %d ms%n", files.size(),
      (System.nanoTime() - started) / 1_000_000);

    List<String> complaints = log.list.stream()
      .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
      .filter(e -> !aboutTheTool(e.getFormattedMessage()))
      .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
      .collect(Collectors.toList());
    assertThat(complaints).as("the generator's warnings and errors about the contract").isEmpty();

    List<String> invented = log.list.stream()
      .map(e -> INLINE_NAME.matcher(e.getFormattedMessage()))
      .filter(Matcher::find)
      .map(m -> m.group(1))
      .collect(Collectors.toList());
    assertThat(invented).as("inline schemas the generator had to name (give each a components/schemas name)")
      .isEmpty();

    Path models = out.resolve("models");
    List<String> modelNames;
    try (Stream<Path> s = Files.list(models)) {
      modelNames = s.map(f -> f.getFileName().toString().replaceFirst("\\.ts$", "")).sorted()
        .collect(Collectors.toList());
    }
    assertThat(modelNames).as("models generated from the contract's named schemas").contains("ApiError", "ApiErrorInfo");
    assertThat(modelNames).as("models named after a status code: an unnamed response body")
      .noneMatch(n -> n.matches(".*\\d{3}Response"));

    Path tsc = Path.of("target", "typescript", "node_modules", ".bin", "tsc");
    if (!Files.isExecutable(tsc)) {
      Assumptions.assumeTrue(onPath("npm"),
        "npm is not installed: the client was generated and checked, its compilation (tsc) is skipped");
      ContractLintTest.Run install = run(List.of("npm", "install", "--prefix", "target/typescript", "--no-audit",
        "--no-fund", "--loglevel=error", TYPESCRIPT), 600);
      assertThat(install.code()).as("npm install " + TYPESCRIPT + ":\n" + install.out()).isZero();
    }
    Files.writeString(out.resolve("tsconfig.json"), """
      {
        "compilerOptions": {
          "target": "ES2020", "module": "ES2020", "moduleResolution": "node",
          "lib": ["ES2020", "DOM"], "strict": true, "noEmit": true, "skipLibCheck": true
        },
        "include": ["**/*.ts"]
      }
      """);
    started = System.nanoTime();
    ContractLintTest.Run compile = run(List.of(tsc.toAbsolutePath().toString(), "-p",
      out.resolve("tsconfig.json").toString()), 300);
    System.out.printf("tsc checked the client in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(compile.code()).as("tsc on the generated client:\n" + compile.out()).isZero();
  }

  /**
   * Messages about the generator itself rather than the document it reads: 7.25.0's
   * {@code OpenAPINormalizer.isSelfReference} asks every component that is an array or a oneOf for
   * the {@code $ref} of its items or members and logs this once when one is written in place (an
   * array of enum strings, a {@code oneOf} with {@code type: "null"}), which is valid OpenAPI; and
   * it calls its own OpenAPI 3.1 support a beta.
   */
  static boolean aboutTheTool(String message) {
    return message.equals("Failed to get the schema name: null")
      || message.startsWith("OpenAPI 3.1 support is still in beta");
  }

  static void deleteTree(Path root) throws Exception {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
        Files.delete(f);
      }
    }
  }
}
