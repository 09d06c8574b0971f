package org.communityplatform.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.communityplatform.bench.Run.abbreviate;

/** Start-up of the platform with its own embedded PostgreSQL (the README's default), first start and restart. */
final class EmbeddedStartup {

  private final Run run;

  EmbeddedStartup(Run run) {
    this.run = run;
  }

  void measure(Results res) {
    for (int attempt = 1; attempt <= 2 && res.embeddedWarm < 0; attempt++) {
      once(res, attempt);
    }
  }

  private void once(Results res, int attempt) {
    try {
      Path data = run.o.work.resolve("nodes").resolve("embedded-data");
      Pg.deleteTree(data);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PLATFORM_HTTP_HOST", "127.0.0.1");
      env.put("PLATFORM_DATA_DIR", data.toString());
      env.put("PLATFORM_DB_EMBEDDED_DIR", data.resolve("postgres").toString());
      env.put("PLATFORM_AUTH_JWT_SECRET", Run.SECRET);
      env.put("PLATFORM_HTTP_PORT", Integer.toString(Node.freePort()));
      Node a = Node.startPlatform("embedded-first-start", run.o.jar, run.o.platformJvm, env, run.o.work, true, 180_000);
      res.embeddedFirst = a.startupMs;
      a.stop();
      env.put("PLATFORM_HTTP_PORT", Integer.toString(Node.freePort()));
      Node b = Node.startPlatform("embedded-restart", run.o.jar, run.o.platformJvm, env, run.o.work, true, 180_000);
      res.embeddedWarm = b.startupMs;
      b.stop();
      run.say("platform with its own embedded PostgreSQL: first start %d ms, restart %d ms", res.embeddedFirst, res.embeddedWarm);
      Pg.deleteTree(data);
    } catch (Exception e) {
      run.say("embedded-mode start-up, attempt %d, failed: %s", attempt, abbreviate(e.getMessage(), 200));
      if (attempt == 2) {
        run.notes.add("embedded-mode start-up not measured: " + abbreviate(e.getMessage(), 300));
      }
    }
  }

}
