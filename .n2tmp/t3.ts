new Worker(new URL("file:///tmp/n2/w.ts"), { type: "module" });
