import { permissionFlags } from "../tools/permissions.ts";
console.log(permissionFlags({ segment: Deno.args[0]!, codeDirs: [Deno.args[1]!] }).join(" "));
