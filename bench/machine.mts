/** The machine a run happened on, for the results file. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** The 1-minute load average when the run started: above the core count, others shared the CPU. */
  readonly loadAtStart: number;
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    node: process.version,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAtStart: loadavg()[0] ?? 0,
  };
}
