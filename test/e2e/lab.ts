import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { TEST_CACHE } from "../helpers/sharedCache";

/** The project folder, from the sources (vitest) or their build in dist/ (benchmarks). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
}

/** The project's Python environment, made by scripts/setup.sh. */
export const VENV = path.join(projectRoot(), ".venv");
export const JUPYTER = path.join(VENV, "bin/jupyter");

export interface Lab {
  /** Base URL, e.g. http://127.0.0.1:8123/ */
  url: string;
  token: string;
  /** The server's root folder. */
  root: string;
  /** Server log so far (stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a real JupyterLab server on `root` and waits until its API answers. */
export async function startLab(root: string): Promise<Lab> {
  if (!fs.existsSync(JUPYTER))
    throw new Error(`${JUPYTER} not found: run scripts/setup.sh (npm test does) to install JupyterLab`);
  const port = await freePort();
  // No news toasts over the page and no autosave into the tested folder. User settings (the theme
  // a test switches) and workspaces stay in this server's folder, never in the user's home.
  const settings = fs.mkdtempSync(path.join(root, ".lab-settings-"));
  fs.writeFileSync(
    path.join(settings, "overrides.json"),
    JSON.stringify({
      "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
      "@jupyterlab/docmanager-extension:plugin": { autosave: false },
    }),
  );
  const token = Math.random().toString(36).slice(2);
  const args = [
    "lab",
    "--no-browser",
    `--port=${port}`,
    "--ip=127.0.0.1",
    "--allow-root",
    `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${root}`,
    `--LabApp.app_settings_dir=${settings}`,
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    `--LabApp.user_settings_dir=${path.join(settings, "user")}`,
    `--LabApp.workspaces_dir=${path.join(settings, "workspaces")}`,
  ];
  let output = "";
  const child: ChildProcess = spawn(JUPYTER, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    // The notebooks' kernels share the run's result cache (the same demo images recur across tests).
    env: { ...process.env, JUPYTER_PLATFORM_DIRS: "1", BLINDSPOT_CACHE: TEST_CACHE },
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited with code ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}api/status?token=${token}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`JupyterLab did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    root,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
