/**
 * The Cloud Tasks API definitions, loaded at run time from the protos that ship with the official
 * client (@google-cloud/tasks, with google-gax's google/api, google/iam, google/rpc …). Nothing is
 * copied into this repository: the service served is exactly the one the client speaks.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** The package directory holding `build/protos`, from the file its main entry resolves to. */
function packageRoot(entry: string): string {
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'build', 'protos'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no build/protos above ${entry}`);
    dir = up;
  }
  return dir;
}

export interface CloudTasksServices {
  v2: grpc.ServiceDefinition;
  v2beta2: grpc.ServiceDefinition;
}

const FILES = ['google/cloud/tasks/v2/cloudtasks.proto', 'google/cloud/tasks/v2beta2/cloudtasks.proto'];
/** The services' full names, as the protos declare them. */
export const SERVICE_NAMES = {
  v2: 'google.cloud.tasks.v2.CloudTasks',
  v2beta2: 'google.cloud.tasks.v2beta2.CloudTasks',
};

/** Where the protos are: the client's own, then google-gax's (google/api, google/rpc …). */
function includeDirs(): string[] {
  const tasks = packageRoot(require.resolve('@google-cloud/tasks'));
  const gax = packageRoot(createRequire(path.join(tasks, 'package.json')).resolve('google-gax'));
  return [path.join(tasks, 'build', 'protos'), path.join(gax, 'build', 'protos')];
}

let loaded: CloudTasksServices | undefined;

export function loadCloudTasksServices(): CloudTasksServices {
  if (loaded) return loaded;
  const def = protoLoader.loadSync(FILES, {
    includeDirs: includeDirs(),
    // camelCase fields, enums by name, no defaults filled in (an unset field stays undefined), oneof names.
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    google: {
      cloud: {
        tasks: {
          v2: { CloudTasks: grpc.ServiceClientConstructor };
          v2beta2: { CloudTasks: grpc.ServiceClientConstructor };
        };
      };
    };
  };
  loaded = {
    v2: pkg.google.cloud.tasks.v2.CloudTasks.service,
    v2beta2: pkg.google.cloud.tasks.v2beta2.CloudTasks.service,
  };
  return loaded;
}

let root: protobuf.Root | undefined;

/**
 * The same protos as protobufjs reflection (for the HTTP/JSON wire: field types, json names and
 * google.api.http bindings), with fields under their proto names. protobufjs is resolved from
 * @grpc/proto-loader, the package that parses the protos for the gRPC wire.
 */
export function loadCloudTasksRoot(): protobuf.Root {
  if (root) return root;
  const pb = createRequire(require.resolve('@grpc/proto-loader'))('protobufjs') as typeof protobuf;
  const dirs = includeDirs();
  const r = new pb.Root();
  r.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    return dirs.map((d) => path.join(d, target)).find((f) => existsSync(f)) ?? target;
  };
  r.loadSync(FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}
