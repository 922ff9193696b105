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

let loaded: CloudTasksServices | undefined;

export function loadCloudTasksServices(): CloudTasksServices {
  if (loaded) return loaded;
  const tasks = packageRoot(require.resolve('@google-cloud/tasks'));
  const gax = packageRoot(createRequire(path.join(tasks, 'package.json')).resolve('google-gax'));
  const def = protoLoader.loadSync(
    ['google/cloud/tasks/v2/cloudtasks.proto', 'google/cloud/tasks/v2beta2/cloudtasks.proto'],
    {
      includeDirs: [path.join(tasks, 'build', 'protos'), path.join(gax, 'build', 'protos')],
      // camelCase fields, enums by name, no defaults filled in (an unset field stays undefined), oneof names.
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: false,
      oneofs: true,
    },
  );
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
