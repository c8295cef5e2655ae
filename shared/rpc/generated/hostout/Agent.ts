// Original file: proto/hostout.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BlobChunk as _hostout_BlobChunk, BlobChunk__Output as _hostout_BlobChunk__Output } from '../hostout/BlobChunk';
import type { DeployEvent as _hostout_DeployEvent, DeployEvent__Output as _hostout_DeployEvent__Output } from '../hostout/DeployEvent';
import type { DeployRequest as _hostout_DeployRequest, DeployRequest__Output as _hostout_DeployRequest__Output } from '../hostout/DeployRequest';
import type { ExecInput as _hostout_ExecInput, ExecInput__Output as _hostout_ExecInput__Output } from '../hostout/ExecInput';
import type { ExecOutput as _hostout_ExecOutput, ExecOutput__Output as _hostout_ExecOutput__Output } from '../hostout/ExecOutput';
import type { ExecRequest as _hostout_ExecRequest, ExecRequest__Output as _hostout_ExecRequest__Output } from '../hostout/ExecRequest';
import type { FetchBlobsReply as _hostout_FetchBlobsReply, FetchBlobsReply__Output as _hostout_FetchBlobsReply__Output } from '../hostout/FetchBlobsReply';
import type { FetchBlobsRequest as _hostout_FetchBlobsRequest, FetchBlobsRequest__Output as _hostout_FetchBlobsRequest__Output } from '../hostout/FetchBlobsRequest';
import type { HelloReply as _hostout_HelloReply, HelloReply__Output as _hostout_HelloReply__Output } from '../hostout/HelloReply';
import type { HelloRequest as _hostout_HelloRequest, HelloRequest__Output as _hostout_HelloRequest__Output } from '../hostout/HelloRequest';
import type { HistoryReply as _hostout_HistoryReply, HistoryReply__Output as _hostout_HistoryReply__Output } from '../hostout/HistoryReply';
import type { HistoryRequest as _hostout_HistoryRequest, HistoryRequest__Output as _hostout_HistoryRequest__Output } from '../hostout/HistoryRequest';
import type { HostFactsReply as _hostout_HostFactsReply, HostFactsReply__Output as _hostout_HostFactsReply__Output } from '../hostout/HostFactsReply';
import type { HostFactsRequest as _hostout_HostFactsRequest, HostFactsRequest__Output as _hostout_HostFactsRequest__Output } from '../hostout/HostFactsRequest';
import type { KnownVersionsReply as _hostout_KnownVersionsReply, KnownVersionsReply__Output as _hostout_KnownVersionsReply__Output } from '../hostout/KnownVersionsReply';
import type { KnownVersionsRequest as _hostout_KnownVersionsRequest, KnownVersionsRequest__Output as _hostout_KnownVersionsRequest__Output } from '../hostout/KnownVersionsRequest';
import type { LockRequest as _hostout_LockRequest, LockRequest__Output as _hostout_LockRequest__Output } from '../hostout/LockRequest';
import type { LogChunk as _hostout_LogChunk, LogChunk__Output as _hostout_LogChunk__Output } from '../hostout/LogChunk';
import type { LogsRequest as _hostout_LogsRequest, LogsRequest__Output as _hostout_LogsRequest__Output } from '../hostout/LogsRequest';
import type { MaintenanceLockReply as _hostout_MaintenanceLockReply, MaintenanceLockReply__Output as _hostout_MaintenanceLockReply__Output } from '../hostout/MaintenanceLockReply';
import type { MissingBlobsReply as _hostout_MissingBlobsReply, MissingBlobsReply__Output as _hostout_MissingBlobsReply__Output } from '../hostout/MissingBlobsReply';
import type { MissingBlobsRequest as _hostout_MissingBlobsRequest, MissingBlobsRequest__Output as _hostout_MissingBlobsRequest__Output } from '../hostout/MissingBlobsRequest';
import type { RecentDeploysReply as _hostout_RecentDeploysReply, RecentDeploysReply__Output as _hostout_RecentDeploysReply__Output } from '../hostout/RecentDeploysReply';
import type { RecentDeploysRequest as _hostout_RecentDeploysRequest, RecentDeploysRequest__Output as _hostout_RecentDeploysRequest__Output } from '../hostout/RecentDeploysRequest';
import type { RollbackRequest as _hostout_RollbackRequest, RollbackRequest__Output as _hostout_RollbackRequest__Output } from '../hostout/RollbackRequest';
import type { ServeBlobsRequest as _hostout_ServeBlobsRequest, ServeBlobsRequest__Output as _hostout_ServeBlobsRequest__Output } from '../hostout/ServeBlobsRequest';
import type { ServicesRequest as _hostout_ServicesRequest, ServicesRequest__Output as _hostout_ServicesRequest__Output } from '../hostout/ServicesRequest';
import type { StatusReply as _hostout_StatusReply, StatusReply__Output as _hostout_StatusReply__Output } from '../hostout/StatusReply';
import type { StatusRequest as _hostout_StatusRequest, StatusRequest__Output as _hostout_StatusRequest__Output } from '../hostout/StatusRequest';
import type { UnlockRequest as _hostout_UnlockRequest, UnlockRequest__Output as _hostout_UnlockRequest__Output } from '../hostout/UnlockRequest';
import type { UploadReply as _hostout_UploadReply, UploadReply__Output as _hostout_UploadReply__Output } from '../hostout/UploadReply';

export interface AgentClient extends grpc.Client {
  Deploy(argument: _hostout_DeployRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  Deploy(argument: _hostout_DeployRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  deploy(argument: _hostout_DeployRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  deploy(argument: _hostout_DeployRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  
  Exec(argument: _hostout_ExecRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_ExecOutput__Output>;
  Exec(argument: _hostout_ExecRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_ExecOutput__Output>;
  exec(argument: _hostout_ExecRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_ExecOutput__Output>;
  exec(argument: _hostout_ExecRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_ExecOutput__Output>;
  
  ExecInteractive(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_hostout_ExecInput, _hostout_ExecOutput__Output>;
  ExecInteractive(options?: grpc.CallOptions): grpc.ClientDuplexStream<_hostout_ExecInput, _hostout_ExecOutput__Output>;
  execInteractive(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_hostout_ExecInput, _hostout_ExecOutput__Output>;
  execInteractive(options?: grpc.CallOptions): grpc.ClientDuplexStream<_hostout_ExecInput, _hostout_ExecOutput__Output>;
  
  FetchBlobs(argument: _hostout_FetchBlobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  FetchBlobs(argument: _hostout_FetchBlobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  FetchBlobs(argument: _hostout_FetchBlobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  FetchBlobs(argument: _hostout_FetchBlobsRequest, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  fetchBlobs(argument: _hostout_FetchBlobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  fetchBlobs(argument: _hostout_FetchBlobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  fetchBlobs(argument: _hostout_FetchBlobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  fetchBlobs(argument: _hostout_FetchBlobsRequest, callback: grpc.requestCallback<_hostout_FetchBlobsReply__Output>): grpc.ClientUnaryCall;
  
  Hello(argument: _hostout_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  Hello(argument: _hostout_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  Hello(argument: _hostout_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  Hello(argument: _hostout_HelloRequest, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  hello(argument: _hostout_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  hello(argument: _hostout_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  hello(argument: _hostout_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  hello(argument: _hostout_HelloRequest, callback: grpc.requestCallback<_hostout_HelloReply__Output>): grpc.ClientUnaryCall;
  
  History(argument: _hostout_HistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _hostout_HistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _hostout_HistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _hostout_HistoryRequest, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _hostout_HistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _hostout_HistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _hostout_HistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _hostout_HistoryRequest, callback: grpc.requestCallback<_hostout_HistoryReply__Output>): grpc.ClientUnaryCall;
  
  HostFacts(argument: _hostout_HostFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  HostFacts(argument: _hostout_HostFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  HostFacts(argument: _hostout_HostFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  HostFacts(argument: _hostout_HostFactsRequest, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  hostFacts(argument: _hostout_HostFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  hostFacts(argument: _hostout_HostFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  hostFacts(argument: _hostout_HostFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  hostFacts(argument: _hostout_HostFactsRequest, callback: grpc.requestCallback<_hostout_HostFactsReply__Output>): grpc.ClientUnaryCall;
  
  KnownVersions(argument: _hostout_KnownVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  KnownVersions(argument: _hostout_KnownVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  KnownVersions(argument: _hostout_KnownVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  KnownVersions(argument: _hostout_KnownVersionsRequest, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  knownVersions(argument: _hostout_KnownVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  knownVersions(argument: _hostout_KnownVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  knownVersions(argument: _hostout_KnownVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  knownVersions(argument: _hostout_KnownVersionsRequest, callback: grpc.requestCallback<_hostout_KnownVersionsReply__Output>): grpc.ClientUnaryCall;
  
  Lock(argument: _hostout_LockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Lock(argument: _hostout_LockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Lock(argument: _hostout_LockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Lock(argument: _hostout_LockRequest, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  lock(argument: _hostout_LockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  lock(argument: _hostout_LockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  lock(argument: _hostout_LockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  lock(argument: _hostout_LockRequest, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  
  Logs(argument: _hostout_LogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_LogChunk__Output>;
  Logs(argument: _hostout_LogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_LogChunk__Output>;
  logs(argument: _hostout_LogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_LogChunk__Output>;
  logs(argument: _hostout_LogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_LogChunk__Output>;
  
  MissingBlobs(argument: _hostout_MissingBlobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  MissingBlobs(argument: _hostout_MissingBlobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  MissingBlobs(argument: _hostout_MissingBlobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  MissingBlobs(argument: _hostout_MissingBlobsRequest, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  missingBlobs(argument: _hostout_MissingBlobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  missingBlobs(argument: _hostout_MissingBlobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  missingBlobs(argument: _hostout_MissingBlobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  missingBlobs(argument: _hostout_MissingBlobsRequest, callback: grpc.requestCallback<_hostout_MissingBlobsReply__Output>): grpc.ClientUnaryCall;
  
  RecentDeploys(argument: _hostout_RecentDeploysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  RecentDeploys(argument: _hostout_RecentDeploysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  RecentDeploys(argument: _hostout_RecentDeploysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  RecentDeploys(argument: _hostout_RecentDeploysRequest, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  recentDeploys(argument: _hostout_RecentDeploysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  recentDeploys(argument: _hostout_RecentDeploysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  recentDeploys(argument: _hostout_RecentDeploysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  recentDeploys(argument: _hostout_RecentDeploysRequest, callback: grpc.requestCallback<_hostout_RecentDeploysReply__Output>): grpc.ClientUnaryCall;
  
  Rollback(argument: _hostout_RollbackRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  Rollback(argument: _hostout_RollbackRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  rollback(argument: _hostout_RollbackRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  rollback(argument: _hostout_RollbackRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  
  ServeBlobs(argument: _hostout_ServeBlobsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_BlobChunk__Output>;
  ServeBlobs(argument: _hostout_ServeBlobsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_BlobChunk__Output>;
  serveBlobs(argument: _hostout_ServeBlobsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_BlobChunk__Output>;
  serveBlobs(argument: _hostout_ServeBlobsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_BlobChunk__Output>;
  
  Services(argument: _hostout_ServicesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  Services(argument: _hostout_ServicesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  services(argument: _hostout_ServicesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  services(argument: _hostout_ServicesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_hostout_DeployEvent__Output>;
  
  Status(argument: _hostout_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _hostout_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _hostout_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _hostout_StatusRequest, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _hostout_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _hostout_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _hostout_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _hostout_StatusRequest, callback: grpc.requestCallback<_hostout_StatusReply__Output>): grpc.ClientUnaryCall;
  
  Unlock(argument: _hostout_UnlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Unlock(argument: _hostout_UnlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Unlock(argument: _hostout_UnlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  Unlock(argument: _hostout_UnlockRequest, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  unlock(argument: _hostout_UnlockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  unlock(argument: _hostout_UnlockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  unlock(argument: _hostout_UnlockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  unlock(argument: _hostout_UnlockRequest, callback: grpc.requestCallback<_hostout_MaintenanceLockReply__Output>): grpc.ClientUnaryCall;
  
  UploadBlob(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  UploadBlob(metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  UploadBlob(options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  UploadBlob(callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  uploadBlob(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  uploadBlob(metadata: grpc.Metadata, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  uploadBlob(options: grpc.CallOptions, callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  uploadBlob(callback: grpc.requestCallback<_hostout_UploadReply__Output>): grpc.ClientWritableStream<_hostout_BlobChunk>;
  
}

export interface AgentHandlers extends grpc.UntypedServiceImplementation {
  Deploy: grpc.handleServerStreamingCall<_hostout_DeployRequest__Output, _hostout_DeployEvent>;
  
  Exec: grpc.handleServerStreamingCall<_hostout_ExecRequest__Output, _hostout_ExecOutput>;
  
  ExecInteractive: grpc.handleBidiStreamingCall<_hostout_ExecInput__Output, _hostout_ExecOutput>;
  
  FetchBlobs: grpc.handleUnaryCall<_hostout_FetchBlobsRequest__Output, _hostout_FetchBlobsReply>;
  
  Hello: grpc.handleUnaryCall<_hostout_HelloRequest__Output, _hostout_HelloReply>;
  
  History: grpc.handleUnaryCall<_hostout_HistoryRequest__Output, _hostout_HistoryReply>;
  
  HostFacts: grpc.handleUnaryCall<_hostout_HostFactsRequest__Output, _hostout_HostFactsReply>;
  
  KnownVersions: grpc.handleUnaryCall<_hostout_KnownVersionsRequest__Output, _hostout_KnownVersionsReply>;
  
  Lock: grpc.handleUnaryCall<_hostout_LockRequest__Output, _hostout_MaintenanceLockReply>;
  
  Logs: grpc.handleServerStreamingCall<_hostout_LogsRequest__Output, _hostout_LogChunk>;
  
  MissingBlobs: grpc.handleUnaryCall<_hostout_MissingBlobsRequest__Output, _hostout_MissingBlobsReply>;
  
  RecentDeploys: grpc.handleUnaryCall<_hostout_RecentDeploysRequest__Output, _hostout_RecentDeploysReply>;
  
  Rollback: grpc.handleServerStreamingCall<_hostout_RollbackRequest__Output, _hostout_DeployEvent>;
  
  ServeBlobs: grpc.handleServerStreamingCall<_hostout_ServeBlobsRequest__Output, _hostout_BlobChunk>;
  
  Services: grpc.handleServerStreamingCall<_hostout_ServicesRequest__Output, _hostout_DeployEvent>;
  
  Status: grpc.handleUnaryCall<_hostout_StatusRequest__Output, _hostout_StatusReply>;
  
  Unlock: grpc.handleUnaryCall<_hostout_UnlockRequest__Output, _hostout_MaintenanceLockReply>;
  
  UploadBlob: grpc.handleClientStreamingCall<_hostout_BlobChunk__Output, _hostout_UploadReply>;
  
}

export interface AgentDefinition extends grpc.ServiceDefinition {
  Deploy: MethodDefinition<_hostout_DeployRequest, _hostout_DeployEvent, _hostout_DeployRequest__Output, _hostout_DeployEvent__Output>
  Exec: MethodDefinition<_hostout_ExecRequest, _hostout_ExecOutput, _hostout_ExecRequest__Output, _hostout_ExecOutput__Output>
  ExecInteractive: MethodDefinition<_hostout_ExecInput, _hostout_ExecOutput, _hostout_ExecInput__Output, _hostout_ExecOutput__Output>
  FetchBlobs: MethodDefinition<_hostout_FetchBlobsRequest, _hostout_FetchBlobsReply, _hostout_FetchBlobsRequest__Output, _hostout_FetchBlobsReply__Output>
  Hello: MethodDefinition<_hostout_HelloRequest, _hostout_HelloReply, _hostout_HelloRequest__Output, _hostout_HelloReply__Output>
  History: MethodDefinition<_hostout_HistoryRequest, _hostout_HistoryReply, _hostout_HistoryRequest__Output, _hostout_HistoryReply__Output>
  HostFacts: MethodDefinition<_hostout_HostFactsRequest, _hostout_HostFactsReply, _hostout_HostFactsRequest__Output, _hostout_HostFactsReply__Output>
  KnownVersions: MethodDefinition<_hostout_KnownVersionsRequest, _hostout_KnownVersionsReply, _hostout_KnownVersionsRequest__Output, _hostout_KnownVersionsReply__Output>
  Lock: MethodDefinition<_hostout_LockRequest, _hostout_MaintenanceLockReply, _hostout_LockRequest__Output, _hostout_MaintenanceLockReply__Output>
  Logs: MethodDefinition<_hostout_LogsRequest, _hostout_LogChunk, _hostout_LogsRequest__Output, _hostout_LogChunk__Output>
  MissingBlobs: MethodDefinition<_hostout_MissingBlobsRequest, _hostout_MissingBlobsReply, _hostout_MissingBlobsRequest__Output, _hostout_MissingBlobsReply__Output>
  RecentDeploys: MethodDefinition<_hostout_RecentDeploysRequest, _hostout_RecentDeploysReply, _hostout_RecentDeploysRequest__Output, _hostout_RecentDeploysReply__Output>
  Rollback: MethodDefinition<_hostout_RollbackRequest, _hostout_DeployEvent, _hostout_RollbackRequest__Output, _hostout_DeployEvent__Output>
  ServeBlobs: MethodDefinition<_hostout_ServeBlobsRequest, _hostout_BlobChunk, _hostout_ServeBlobsRequest__Output, _hostout_BlobChunk__Output>
  Services: MethodDefinition<_hostout_ServicesRequest, _hostout_DeployEvent, _hostout_ServicesRequest__Output, _hostout_DeployEvent__Output>
  Status: MethodDefinition<_hostout_StatusRequest, _hostout_StatusReply, _hostout_StatusRequest__Output, _hostout_StatusReply__Output>
  Unlock: MethodDefinition<_hostout_UnlockRequest, _hostout_MaintenanceLockReply, _hostout_UnlockRequest__Output, _hostout_MaintenanceLockReply__Output>
  UploadBlob: MethodDefinition<_hostout_BlobChunk, _hostout_UploadReply, _hostout_BlobChunk__Output, _hostout_UploadReply__Output>
}
