/** The Emscripten factory of liboqs's ML-KEM-1024 build; kms/kem-backend.ts checks what it returns. */
export default function LibOQS_ml_kem_1024(moduleArg?: object): Promise<unknown>;
