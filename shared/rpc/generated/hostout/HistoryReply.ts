// Original file: proto/hostout.proto

import type { AuditEntry as _hostout_AuditEntry, AuditEntry__Output as _hostout_AuditEntry__Output } from '../hostout/AuditEntry';

export interface HistoryReply {
  'entries'?: (_hostout_AuditEntry)[];
}

export interface HistoryReply__Output {
  'entries': (_hostout_AuditEntry__Output)[];
}
