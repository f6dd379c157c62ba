import {MemoryStore} from '../../../src/server/index';
import {describeRegistryContract} from '../support/registry-contract';

describeRegistryContract('MemoryStore', () => new MemoryStore());
