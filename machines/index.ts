// The registry's contents: every machine and every version still running somewhere.
import type { MachineDefinition } from './define.ts';
import { youthFund } from './youth-fund.ts';

export const machineDefinitions: readonly MachineDefinition[] = [youthFund];
