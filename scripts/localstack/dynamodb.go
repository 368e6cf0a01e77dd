package localstack

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// launcherSource binds DynamoDB Local to 127.0.0.1: the jar has no bind flag
// and would otherwise listen on every interface. It builds the server the
// jar's own way, then sets the host on its Jetty connectors before start.
const launcherSource = `import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class LoopbackDynamoDB {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    java.lang.reflect.Field f = DynamoDBProxyServer.class.getDeclaredField("server");
    f.setAccessible(true);
    Server server = (Server) f.get(proxy);
    for (Connector c : server.getConnectors()) {
      if (c instanceof ServerConnector) ((ServerConnector) c).setHost("127.0.0.1");
    }
    proxy.start();
    proxy.join();
  }
}
`

// InstallDynamoDB makes sure DynamoDB Local and its loopback launcher are in
// the cache and returns the emulator directory.
func InstallDynamoDB(ctx context.Context) (string, error) {
	if _, err := exec.LookPath("java"); err != nil {
		return "", fmt.Errorf("java is not installed: DynamoDB Local needs a Java 17 runtime (Debian: apt-get install -y openjdk-17-jre-headless)")
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "dynamodb")
	emu := filepath.Join(dir, "emulator")
	if _, err := os.Stat(filepath.Join(emu, "DynamoDBLocal.jar")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if _, err := exec.LookPath("npm"); err != nil {
			return "", fmt.Errorf("npm is not installed: it fetches the DynamoDB Local tarball (%s)", DynamoDBPackage)
		}
		if err := run(ctx, dir, "npm", "pack", "--silent", DynamoDBPackage); err != nil {
			return "", err
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "amplify-dynamodb-simulator-*.tgz"))
		if len(matches) == 0 {
			return "", fmt.Errorf("npm pack %s left no tarball in %s", DynamoDBPackage, dir)
		}
		tmp := emu + ".tmp"
		_ = os.RemoveAll(tmp)
		if err := extract(matches[0], "package/emulator/", tmp); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, emu); err != nil {
			return "", err
		}
		_ = os.Remove(matches[0])
	}
	if _, err := os.Stat(filepath.Join(emu, "LoopbackDynamoDB.class")); err != nil {
		if _, err := exec.LookPath("javac"); err == nil {
			src := filepath.Join(emu, "LoopbackDynamoDB.java")
			if err := os.WriteFile(src, []byte(launcherSource), 0o644); err != nil {
				return "", err
			}
			if err := run(ctx, emu, "javac", "-nowarn", "-cp", classpath(emu), "-d", emu, src); err != nil {
				return "", err
			}
		}
	}
	return emu, nil
}

func classpath(emu string) string {
	return filepath.Join(emu, "DynamoDBLocal.jar") + ":" + filepath.Join(emu, "DynamoDBLocal_lib", "*") + ":" + emu
}

// StartDynamoDB runs DynamoDB Local in memory on a loopback port (0: any free
// one) and waits until it answers.
func StartDynamoDB(ctx context.Context, port int, logPath string) (*Process, error) {
	return startDynamoDB(ctx, port, logPath, []string{"-inMemory"})
}

// StartDynamoDBKept is StartDynamoDB keeping its tables in dataDir (made
// if missing) across restarts: `make run`'s, so what a newcomer did is
// there the next time. One database serves every region and credential
// (-sharedDb), as the local stack uses one of each.
func StartDynamoDBKept(ctx context.Context, port int, logPath, dataDir string) (*Process, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("DynamoDB Local's data directory: %w", err)
	}
	return startDynamoDB(ctx, port, logPath, []string{"-sharedDb", "-dbPath", dataDir})
}

// StartDynamoDBForTests is StartDynamoDB for a test run: the JVM compiles
// with its quick compiler only (-XX:TieredStopAtLevel=1). A test run is
// minutes of short, varied requests, where the optimizing compiler's own
// work costs more than it wins back: seven e2e tests, 4 at a time, run
// alternately with and without it three times took 82/76/87 user CPU-s
// and 57.5/55.7/61.5 s without it against 99/87/111 and 64.8/55.8/70.6 s
// with it. Long runs (make run, the bench) keep the full compiler.
func StartDynamoDBForTests(ctx context.Context, port int, logPath string) (*Process, error) {
	return startDynamoDB(ctx, port, logPath, []string{"-inMemory"}, "-XX:TieredStopAtLevel=1")
}

// startDynamoDB runs DynamoDB Local with its storage flags (in memory, or
// a data directory) and the JVM's options jvm.
func startDynamoDB(ctx context.Context, port int, logPath string, storage []string, jvm ...string) (*Process, error) {
	emu, err := InstallDynamoDB(ctx)
	if err != nil {
		return nil, err
	}
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	args := append([]string{"java", "-Xms256m", "-XX:+UseParallelGC"}, jvm...)
	args = append(args, "-Djava.library.path="+filepath.Join(emu, "DynamoDBLocal_lib"))
	if _, err := os.Stat(filepath.Join(emu, "LoopbackDynamoDB.class")); err == nil {
		args = append(args, "-cp", classpath(emu), "LoopbackDynamoDB")
	} else {
		// Without javac the jar listens on every interface; clients still
		// only ever use 127.0.0.1.
		args = append(args, "-jar", filepath.Join(emu, "DynamoDBLocal.jar"))
	}
	args = append(args, storage...)
	args = append(args, "-disableTelemetry", "-port", strconv.Itoa(port))
	return start(ctx, "DynamoDB Local", port, emu, logPath, answers, args...)
}

// extract unpacks the entries of a .tgz under prefix into dest.
func extract(tgz, prefix, dest string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rel, ok := strings.CutPrefix(h.Name, prefix)
		if !ok || rel == "" || strings.Contains(rel, "..") {
			continue
		}
		target := filepath.Join(dest, rel)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		}
	}
}
