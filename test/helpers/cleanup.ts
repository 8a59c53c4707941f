import { afterAll } from "vitest";
import { removeTmpDirs } from "./data";

// Every test file removes the temporary folders it made (test/.tmp) when it ends.
afterAll(removeTmpDirs);
