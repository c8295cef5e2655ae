import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentClient as _hostout_AgentClient, AgentDefinition as _hostout_AgentDefinition } from './hostout/Agent';
import type { AuditEntry as _hostout_AuditEntry, AuditEntry__Output as _hostout_AuditEntry__Output } from './hostout/AuditEntry';
import type { BalancedServer as _hostout_BalancedServer, BalancedServer__Output as _hostout_BalancedServer__Output } from './hostout/BalancedServer';
import type { BlobChunk as _hostout_BlobChunk, BlobChunk__Output as _hostout_BlobChunk__Output } from './hostout/BlobChunk';
import type { BlobFrom as _hostout_BlobFrom, BlobFrom__Output as _hostout_BlobFrom__Output } from './hostout/BlobFrom';
import type { BlobRef as _hostout_BlobRef, BlobRef__Output as _hostout_BlobRef__Output } from './hostout/BlobRef';
import type { DeployEvent as _hostout_DeployEvent, DeployEvent__Output as _hostout_DeployEvent__Output } from './hostout/DeployEvent';
import type { DeployRecord as _hostout_DeployRecord, DeployRecord__Output as _hostout_DeployRecord__Output } from './hostout/DeployRecord';
import type { DeployRequest as _hostout_DeployRequest, DeployRequest__Output as _hostout_DeployRequest__Output } from './hostout/DeployRequest';
import type { Egg as _hostout_Egg, Egg__Output as _hostout_Egg__Output } from './hostout/Egg';
import type { ExecInput as _hostout_ExecInput, ExecInput__Output as _hostout_ExecInput__Output } from './hostout/ExecInput';
import type { ExecOutput as _hostout_ExecOutput, ExecOutput__Output as _hostout_ExecOutput__Output } from './hostout/ExecOutput';
import type { ExecRequest as _hostout_ExecRequest, ExecRequest__Output as _hostout_ExecRequest__Output } from './hostout/ExecRequest';
import type { FetchBlobsReply as _hostout_FetchBlobsReply, FetchBlobsReply__Output as _hostout_FetchBlobsReply__Output } from './hostout/FetchBlobsReply';
import type { FetchBlobsRequest as _hostout_FetchBlobsRequest, FetchBlobsRequest__Output as _hostout_FetchBlobsRequest__Output } from './hostout/FetchBlobsRequest';
import type { GivenVersion as _hostout_GivenVersion, GivenVersion__Output as _hostout_GivenVersion__Output } from './hostout/GivenVersion';
import type { HelloReply as _hostout_HelloReply, HelloReply__Output as _hostout_HelloReply__Output } from './hostout/HelloReply';
import type { HelloRequest as _hostout_HelloRequest, HelloRequest__Output as _hostout_HelloRequest__Output } from './hostout/HelloRequest';
import type { HistoryReply as _hostout_HistoryReply, HistoryReply__Output as _hostout_HistoryReply__Output } from './hostout/HistoryReply';
import type { HistoryRequest as _hostout_HistoryRequest, HistoryRequest__Output as _hostout_HistoryRequest__Output } from './hostout/HistoryRequest';
import type { HostFactsReply as _hostout_HostFactsReply, HostFactsReply__Output as _hostout_HostFactsReply__Output } from './hostout/HostFactsReply';
import type { HostFactsRequest as _hostout_HostFactsRequest, HostFactsRequest__Output as _hostout_HostFactsRequest__Output } from './hostout/HostFactsRequest';
import type { KnownVersion as _hostout_KnownVersion, KnownVersion__Output as _hostout_KnownVersion__Output } from './hostout/KnownVersion';
import type { KnownVersionsReply as _hostout_KnownVersionsReply, KnownVersionsReply__Output as _hostout_KnownVersionsReply__Output } from './hostout/KnownVersionsReply';
import type { KnownVersionsRequest as _hostout_KnownVersionsRequest, KnownVersionsRequest__Output as _hostout_KnownVersionsRequest__Output } from './hostout/KnownVersionsRequest';
import type { Lock as _hostout_Lock, Lock__Output as _hostout_Lock__Output } from './hostout/Lock';
import type { LockRequest as _hostout_LockRequest, LockRequest__Output as _hostout_LockRequest__Output } from './hostout/LockRequest';
import type { LogChunk as _hostout_LogChunk, LogChunk__Output as _hostout_LogChunk__Output } from './hostout/LogChunk';
import type { LogsRequest as _hostout_LogsRequest, LogsRequest__Output as _hostout_LogsRequest__Output } from './hostout/LogsRequest';
import type { MaintenanceLock as _hostout_MaintenanceLock, MaintenanceLock__Output as _hostout_MaintenanceLock__Output } from './hostout/MaintenanceLock';
import type { MaintenanceLockReply as _hostout_MaintenanceLockReply, MaintenanceLockReply__Output as _hostout_MaintenanceLockReply__Output } from './hostout/MaintenanceLockReply';
import type { MissingBlob as _hostout_MissingBlob, MissingBlob__Output as _hostout_MissingBlob__Output } from './hostout/MissingBlob';
import type { MissingBlobsReply as _hostout_MissingBlobsReply, MissingBlobsReply__Output as _hostout_MissingBlobsReply__Output } from './hostout/MissingBlobsReply';
import type { MissingBlobsRequest as _hostout_MissingBlobsRequest, MissingBlobsRequest__Output as _hostout_MissingBlobsRequest__Output } from './hostout/MissingBlobsRequest';
import type { PhaseSpan as _hostout_PhaseSpan, PhaseSpan__Output as _hostout_PhaseSpan__Output } from './hostout/PhaseSpan';
import type { PresignedCall as _hostout_PresignedCall, PresignedCall__Output as _hostout_PresignedCall__Output } from './hostout/PresignedCall';
import type { RecentDeploysReply as _hostout_RecentDeploysReply, RecentDeploysReply__Output as _hostout_RecentDeploysReply__Output } from './hostout/RecentDeploysReply';
import type { RecentDeploysRequest as _hostout_RecentDeploysRequest, RecentDeploysRequest__Output as _hostout_RecentDeploysRequest__Output } from './hostout/RecentDeploysRequest';
import type { Release as _hostout_Release, Release__Output as _hostout_Release__Output } from './hostout/Release';
import type { RollbackRequest as _hostout_RollbackRequest, RollbackRequest__Output as _hostout_RollbackRequest__Output } from './hostout/RollbackRequest';
import type { ServeBlobsRequest as _hostout_ServeBlobsRequest, ServeBlobsRequest__Output as _hostout_ServeBlobsRequest__Output } from './hostout/ServeBlobsRequest';
import type { ServicesRequest as _hostout_ServicesRequest, ServicesRequest__Output as _hostout_ServicesRequest__Output } from './hostout/ServicesRequest';
import type { StatusReply as _hostout_StatusReply, StatusReply__Output as _hostout_StatusReply__Output } from './hostout/StatusReply';
import type { StatusRequest as _hostout_StatusRequest, StatusRequest__Output as _hostout_StatusRequest__Output } from './hostout/StatusRequest';
import type { UnlockRequest as _hostout_UnlockRequest, UnlockRequest__Output as _hostout_UnlockRequest__Output } from './hostout/UnlockRequest';
import type { UploadReply as _hostout_UploadReply, UploadReply__Output as _hostout_UploadReply__Output } from './hostout/UploadReply';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  hostout: {
    Agent: SubtypeConstructor<typeof grpc.Client, _hostout_AgentClient> & { service: _hostout_AgentDefinition }
    AuditEntry: MessageTypeDefinition<_hostout_AuditEntry, _hostout_AuditEntry__Output>
    BalancedServer: MessageTypeDefinition<_hostout_BalancedServer, _hostout_BalancedServer__Output>
    BlobChunk: MessageTypeDefinition<_hostout_BlobChunk, _hostout_BlobChunk__Output>
    BlobFrom: MessageTypeDefinition<_hostout_BlobFrom, _hostout_BlobFrom__Output>
    BlobRef: MessageTypeDefinition<_hostout_BlobRef, _hostout_BlobRef__Output>
    DeployEvent: MessageTypeDefinition<_hostout_DeployEvent, _hostout_DeployEvent__Output>
    DeployRecord: MessageTypeDefinition<_hostout_DeployRecord, _hostout_DeployRecord__Output>
    DeployRequest: MessageTypeDefinition<_hostout_DeployRequest, _hostout_DeployRequest__Output>
    Egg: MessageTypeDefinition<_hostout_Egg, _hostout_Egg__Output>
    ExecInput: MessageTypeDefinition<_hostout_ExecInput, _hostout_ExecInput__Output>
    ExecOutput: MessageTypeDefinition<_hostout_ExecOutput, _hostout_ExecOutput__Output>
    ExecRequest: MessageTypeDefinition<_hostout_ExecRequest, _hostout_ExecRequest__Output>
    FetchBlobsReply: MessageTypeDefinition<_hostout_FetchBlobsReply, _hostout_FetchBlobsReply__Output>
    FetchBlobsRequest: MessageTypeDefinition<_hostout_FetchBlobsRequest, _hostout_FetchBlobsRequest__Output>
    GivenVersion: MessageTypeDefinition<_hostout_GivenVersion, _hostout_GivenVersion__Output>
    HelloReply: MessageTypeDefinition<_hostout_HelloReply, _hostout_HelloReply__Output>
    HelloRequest: MessageTypeDefinition<_hostout_HelloRequest, _hostout_HelloRequest__Output>
    HistoryReply: MessageTypeDefinition<_hostout_HistoryReply, _hostout_HistoryReply__Output>
    HistoryRequest: MessageTypeDefinition<_hostout_HistoryRequest, _hostout_HistoryRequest__Output>
    HostFactsReply: MessageTypeDefinition<_hostout_HostFactsReply, _hostout_HostFactsReply__Output>
    HostFactsRequest: MessageTypeDefinition<_hostout_HostFactsRequest, _hostout_HostFactsRequest__Output>
    KnownVersion: MessageTypeDefinition<_hostout_KnownVersion, _hostout_KnownVersion__Output>
    KnownVersionsReply: MessageTypeDefinition<_hostout_KnownVersionsReply, _hostout_KnownVersionsReply__Output>
    KnownVersionsRequest: MessageTypeDefinition<_hostout_KnownVersionsRequest, _hostout_KnownVersionsRequest__Output>
    Lock: MessageTypeDefinition<_hostout_Lock, _hostout_Lock__Output>
    LockRequest: MessageTypeDefinition<_hostout_LockRequest, _hostout_LockRequest__Output>
    LogChunk: MessageTypeDefinition<_hostout_LogChunk, _hostout_LogChunk__Output>
    LogsRequest: MessageTypeDefinition<_hostout_LogsRequest, _hostout_LogsRequest__Output>
    MaintenanceLock: MessageTypeDefinition<_hostout_MaintenanceLock, _hostout_MaintenanceLock__Output>
    MaintenanceLockReply: MessageTypeDefinition<_hostout_MaintenanceLockReply, _hostout_MaintenanceLockReply__Output>
    MissingBlob: MessageTypeDefinition<_hostout_MissingBlob, _hostout_MissingBlob__Output>
    MissingBlobsReply: MessageTypeDefinition<_hostout_MissingBlobsReply, _hostout_MissingBlobsReply__Output>
    MissingBlobsRequest: MessageTypeDefinition<_hostout_MissingBlobsRequest, _hostout_MissingBlobsRequest__Output>
    PhaseSpan: MessageTypeDefinition<_hostout_PhaseSpan, _hostout_PhaseSpan__Output>
    PresignedCall: MessageTypeDefinition<_hostout_PresignedCall, _hostout_PresignedCall__Output>
    RecentDeploysReply: MessageTypeDefinition<_hostout_RecentDeploysReply, _hostout_RecentDeploysReply__Output>
    RecentDeploysRequest: MessageTypeDefinition<_hostout_RecentDeploysRequest, _hostout_RecentDeploysRequest__Output>
    Release: MessageTypeDefinition<_hostout_Release, _hostout_Release__Output>
    RollbackRequest: MessageTypeDefinition<_hostout_RollbackRequest, _hostout_RollbackRequest__Output>
    ServeBlobsRequest: MessageTypeDefinition<_hostout_ServeBlobsRequest, _hostout_ServeBlobsRequest__Output>
    ServicesRequest: MessageTypeDefinition<_hostout_ServicesRequest, _hostout_ServicesRequest__Output>
    StatusReply: MessageTypeDefinition<_hostout_StatusReply, _hostout_StatusReply__Output>
    StatusRequest: MessageTypeDefinition<_hostout_StatusRequest, _hostout_StatusRequest__Output>
    UnlockRequest: MessageTypeDefinition<_hostout_UnlockRequest, _hostout_UnlockRequest__Output>
    UploadReply: MessageTypeDefinition<_hostout_UploadReply, _hostout_UploadReply__Output>
  }
}

