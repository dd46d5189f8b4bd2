// The registry's contents: every machine and every version still running somewhere.
import { commissioningRound } from './commissioning-round.ts';
import { crimeDisorderGrant } from './crime-disorder-grant.ts';
import type { MachineDefinition } from './define.ts';
import { monitoringReturn } from './monitoring-return.ts';
import { payment } from './payment.ts';
import { sarcRecommissioning } from './sarc-recommissioning.ts';
import { victimsServices } from './victims-services.ts';
import { youthFund } from './youth-fund.ts';

export const machineDefinitions: readonly MachineDefinition[] = [
  commissioningRound,
  youthFund,
  victimsServices,
  sarcRecommissioning,
  crimeDisorderGrant,
  monitoringReturn,
  payment,
];
