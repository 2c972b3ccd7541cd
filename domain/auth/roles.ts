/**
 * Who may do what: each role is granted a set of scopes, and every GraphQL field names the scopes
 * it needs (`authScopes`). This table is the one place roles are defined; README shows it as a matrix.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'quality', 'engineer', 'service', 'operator', 'regulator'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** The scopes fields ask for. `authenticated` is every signed-in principal. */
export const SCOPES = [
  'authenticated',
  'readTrace', // traces, recall scopes, genealogy, lots and units
  'readHistory', // a serial's history (device history record)
  'readMonitor', // alarms, holds, readings, equipment correlation, SPC
  'capture', // send events (EPCIS capture, scans, interlock checks)
  'hold', // place and release holds
  'recall', // create and approve recalls
  'spec', // change recipe specs
  'sign', // sign records and reports (electronic signature)
  'reports', // read and download reports
  'auditRead', // read the audit trail
  'admin', // manage users and keys
] as const;
export type Scope = (typeof SCOPES)[number];

const ALL: readonly Scope[] = SCOPES;

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ALL,
  quality: ['authenticated', 'readTrace', 'readHistory', 'readMonitor', 'hold', 'recall', 'spec', 'sign', 'reports', 'auditRead'],
  engineer: ['authenticated', 'readTrace', 'readHistory', 'readMonitor', 'spec', 'sign', 'reports'],
  // Customer service looks up serials; it never holds, recalls or signs.
  service: ['authenticated', 'readHistory'],
  // Line supervisors and station clients: the line board and event capture.
  operator: ['authenticated', 'readHistory', 'readMonitor', 'capture'],
  // Reads and downloads, writes nothing.
  regulator: ['authenticated', 'readTrace', 'readHistory', 'reports', 'auditRead'],
};

export function hasScope(role: Role, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}

/** The roles holding a scope, for messages that say who may do something. */
export function rolesWith(scope: Scope): Role[] {
  return ROLES.filter((r) => hasScope(r, scope));
}

/** Who is making a request: a user (by API key, login token or password) or the dev key's `dev`. */
export interface Principal {
  name: string;
  role: Role;
}

/** The admin behind the dev key (`tracegraph demo`, TRACEGRAPH_DEV_KEY): never written to disk. */
export const DEV_PRINCIPAL: Principal = { name: 'dev', role: 'admin' };
