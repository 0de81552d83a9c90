import { storeContract } from "../store.contract.js";
import { MemoryStore } from "./memory-store.js";

storeContract("MemoryStore", () => new MemoryStore());
