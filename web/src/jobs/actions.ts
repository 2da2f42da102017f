// Which actions a job offers in which state, and who may press them.

import type { Job, JobIntent } from '../api/types';
import type { Me } from '../api/types';

export type UiAction = 'deploy' | 'savepoint' | 'stop' | 'suspend' | 'resume' | 'restart' | 'cancel';

const BY_STATE: Record<string, UiAction[]> = {
  DRAFT: ['deploy'],
  DEPLOYING: ['cancel'],
  RUNNING: ['savepoint', 'stop', 'suspend', 'restart', 'cancel'],
  RESTARTING: ['cancel'],
  UPGRADING: ['cancel'],
  FAILED: ['restart', 'cancel'],
  FINISHED: ['deploy'],
  CANCELED: ['deploy'],
  SUSPENDED: ['resume', 'cancel'],
};

// A job stopped with a savepoint (the server's intent: CANCELED, stopWithSavepoint) is
// resumed from it rather than deployed afresh.
export function actionsFor(state: string | undefined, intent?: JobIntent): UiAction[] {
  const actions = BY_STATE[state ?? 'DRAFT'] ?? [];
  const stoppedWithSavepoint = intent?.desiredState === 'CANCELED' && intent.stopWithSavepoint === true;
  if (stoppedWithSavepoint && (state === 'FINISHED' || state === 'CANCELED')) return actions.map((a) => (a === 'deploy' ? 'resume' : a));
  return actions;
}

export const ACTION_LABEL: Record<UiAction, string> = {
  deploy: 'Deploy',
  savepoint: 'Take savepoint',
  stop: 'Stop',
  suspend: 'Suspend',
  resume: 'Resume',
  restart: 'Restart',
  cancel: 'Cancel job',
};

// A developer or admin of the job's team (or a global admin) may operate it.
export function canOperate(me: Me, job: Job): boolean {
  if (me.user.admin) return true;
  const team = job.metadata?.team ?? '';
  if (!team) return me.teams.some((t) => t.role === 'developer' || t.role === 'admin');
  return me.teams.some((t) => t.team === team && (t.role === 'developer' || t.role === 'admin'));
}

export const TERMINAL_STATES = new Set(['RUNNING', 'FAILED', 'FINISHED', 'CANCELED', 'SUSPENDED']);
