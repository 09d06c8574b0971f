package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merged contract of every module, as a running platform serves it at {@code /openapi.json},
 * passes a real OpenAPI linter: Redocly CLI 2.77.0 with its {@code recommended} rules
 * ({@code app/redocly.yaml}), installed by this test from the npm registry into
 * {@code target/redocly} (skipped, saying so, only when npm is absent).
 */
class ContractLintTest {

  static final String REDOCLY = "@redocly/cli@2.77.0";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  @Test
  void theMergedContractHasNoLintErrorsOrWarnings() throws Exception {
    Path dir = Path.of("target", "contract");
    Files.createDirectories(dir);
    Path contract = dir.resolve("openapi.json");
    Files.writeString(contract, p.get().get("/openapi.json").send().json().encodePrettily());

    Path redocly = Path.of("target", "redocly");
    Path bin = redocly.resolve("node_modules/.bin/redocly");
    if (!Files.isExecutable(bin)) {
      Assumptions.assumeTrue(onPath("npm"), "npm is not installed: the contract lint (Redocly CLI) is skipped");
      Run install = run(List.of("npm", "install", "--prefix", redocly.toString(), "--no-audit", "--no-fund",
        "--loglevel=error", REDOCLY), 600);
      assertThat(install.code).as("npm install " + REDOCLY + ":\n" + install.out).isZero();
    }
    Run lint = run(List.of(bin.toString(), "lint", "--config", "redocly.yaml", "--format", "stylish",
      contract.toString()), 300);
    System.out.println(lint.out);
    assertThat(lint.code).as("redocly lint of the merged contract:\n" + lint.out).isZero();
    assertThat(lint.out).as("warnings are defects too").doesNotContainPattern("(?m)^\\s*\\d+:\\d+\\s+warning\\s");
  }

  record Run(int code, String out) {
  }

  static Run run(List<String> cmd, long timeoutSeconds) throws Exception {
    Path log = Files.createTempFile("cmd", ".log");
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      return new Run(-1, "timed out: " + cmd);
    }
    return new Run(proc.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static boolean onPath(String exe) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }
}
