import { defineErrors } from '../catalog-entry.ts';

/**
 * Agent updates from the vault (ADR 7): the packages an administrator publishes in the vault, and
 * what the agent checks before it runs one (checksum, safe entries, the same dependencies).
 */
export const agentUpdateErrors = defineErrors({
  AgentPackageVersionInvalid: {
    numericCode: 771750,
    httpStatus: 400,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Not an agent version',
      message: '"{version}" is not a version an agent package can have. Agent versions are written MAJOR.MINOR.PATCH, optionally followed by a pre-release such as -rc.1 (for example 0.2.0 or 1.0.0-rc.1).',
      recommendations: [
        'Publish it as the version its own package.json names, for example `arca agent package publish arca-agent-0.2.0.tar.gz --agent-version 0.2.0` for a package of version 0.2.0, or leave `--agent-version` out to use that one (README, "Agent updates").',
        'List the versions the vault already has with `arca agent package list`.',
      ],
    },
    es: {
      title: 'No es una versión de agente',
      message: '"{version}" no es una versión válida para un paquete del agente. Las versiones del agente se escriben MAYOR.MENOR.PARCHE y pueden llevar detrás una versión preliminar como -rc.1 (por ejemplo 0.2.0 o 1.0.0-rc.1).',
      recommendations: [
        'Publíquelo con la versión que figura en su propio package.json, por ejemplo `arca agent package publish arca-agent-0.2.0.tar.gz --agent-version 0.2.0` para un paquete de la versión 0.2.0, u omita `--agent-version` para usar esa (README, "Agent updates").',
        'Consulte las versiones que ya tiene el almacén con `arca agent package list`.',
      ],
    },
  },
  AgentPackageInvalid: {
    numericCode: 771751,
    httpStatus: 400,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Not a usable agent package',
      message: 'The agent package for version {version} cannot be used: {reason}. A package is a gzip-compressed tar archive holding package.json (with that very version), bin/arca.js and src/, without node_modules.',
      recommendations: [
        'Build the package from the agent\'s installation folder: `tar -czf arca-agent-{version}.tar.gz package.json bin src`.',
        'Check that the version inside package.json is {version}.',
        'Publish it again with `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
    es: {
      title: 'El paquete del agente no se puede usar',
      message: 'El paquete del agente de la versión {version} no se puede usar: {reason}. Un paquete es un archivo tar comprimido con gzip que contiene package.json (con esa misma versión), bin/arca.js y src/, sin node_modules.',
      recommendations: [
        'Genere el paquete desde la carpeta de instalación del agente: `tar -czf arca-agent-{version}.tar.gz package.json bin src`.',
        'Compruebe que la versión indicada en package.json es {version}.',
        'Vuelva a publicarlo con `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
  },
  AgentPackageEntryUnsafe: {
    numericCode: 771752,
    httpStatus: 400,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent package holds an unsafe entry',
      message: 'The agent package for version {version} holds the entry "{entry}", which {reason}. Nothing of the package was installed: an update may only write regular files and folders inside its own version folder.',
      recommendations: [
        'Rebuild the package from a clean installation folder, with relative paths only and without links or device files.',
        'If you did not build this package yourself, do not publish it: find out where it came from.',
        'Publish the rebuilt package under a new version with `arca agent package publish FILE`.',
      ],
    },
    es: {
      title: 'El paquete del agente contiene una entrada insegura',
      message: 'El paquete del agente de la versión {version} contiene la entrada "{entry}", que {reason}. No se ha instalado nada del paquete: una actualización solo puede escribir archivos normales y carpetas dentro de la carpeta de su propia versión.',
      recommendations: [
        'Vuelva a generar el paquete desde una carpeta de instalación limpia, solo con rutas relativas y sin enlaces ni archivos de dispositivo.',
        'Si no generó usted este paquete, no lo publique: averigüe de dónde procede.',
        'Publique el paquete regenerado con una versión nueva mediante `arca agent package publish ARCHIVO`.',
      ],
    },
  },
  AgentPackageTooLarge: {
    numericCode: 771753,
    httpStatus: 413,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent package too large',
      message: 'The agent package for version {version} is larger than the {limit} bytes allowed ({what}). An agent package holds the agent\'s sources only; its dependencies stay on the machine.',
      recommendations: [
        'Leave node_modules, tests and build leftovers out of the archive: it needs package.json, bin and src only.',
        'Publish the smaller package with `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
    es: {
      title: 'Paquete del agente demasiado grande',
      message: 'El paquete del agente de la versión {version} supera los {limit} bytes permitidos ({what}). Un paquete del agente contiene solo su código fuente; las dependencias se quedan en la máquina.',
      recommendations: [
        'Deje fuera del archivo node_modules, las pruebas y los restos de compilación: solo necesita package.json, bin y src.',
        'Publique el paquete reducido con `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
  },
  AgentPackageNotFound: {
    numericCode: 771754,
    httpStatus: 404,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'No such agent package',
      message: 'The vault has no agent package of version {version}.',
      recommendations: [
        'List the versions the vault has with `arca agent package list`.',
        'Publish the package with `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
    es: {
      title: 'No existe ese paquete del agente',
      message: 'El almacén no tiene ningún paquete del agente de la versión {version}.',
      recommendations: [
        'Consulte las versiones que tiene el almacén con `arca agent package list`.',
        'Publique el paquete con `arca agent package publish arca-agent-{version}.tar.gz` (README, "Agent updates").',
      ],
    },
  },
  AgentPackageChecksumMismatch: {
    numericCode: 771755,
    httpStatus: 502,
    retryable: true,
    phase: 'agent',
    en: {
      title: 'Downloaded agent package does not match its checksum',
      message: 'The agent package {version} downloaded from the vault has SHA-256 {actual}, but the goal state announced {expected}. The package was thrown away and the agent keeps running its current version.',
      recommendations: [
        'Nothing needs doing if it happens once: the agent tries again at its next goal-state pull.',
        'If it repeats, compare the checksum `arca agent package list` shows with the file in the vault\'s data folder (agent-packages/), and publish the package again if the file was damaged.',
        'Check that nothing between the machine and the vault rewrites HTTPS traffic: run `arca doctor` on the machine.',
      ],
    },
    es: {
      title: 'El paquete descargado no coincide con su suma de comprobación',
      message: 'El paquete del agente {version} descargado del almacén tiene SHA-256 {actual}, pero el estado objetivo anunciaba {expected}. El paquete se ha descartado y el agente sigue con su versión actual.',
      recommendations: [
        'Si ocurre una sola vez no hace falta nada: el agente lo vuelve a intentar en la siguiente lectura del estado objetivo.',
        'Si se repite, compare la suma que muestra `arca agent package list` con el archivo de la carpeta de datos del almacén (agent-packages/) y vuelva a publicar el paquete si el archivo está dañado.',
        'Compruebe que nada entre la máquina y el almacén reescribe el tráfico HTTPS: ejecute `arca doctor` en la máquina.',
      ],
    },
  },
  AgentPackageDependenciesDiffer: {
    numericCode: 771756,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent update needs other dependencies',
      message: 'Agent {version} depends on other packages than the installed agent {installed} ({difference}), so it cannot run with the dependencies installed on this machine. The agent keeps running {installed}.',
      recommendations: [
        'Update this machine\'s agent through its package source instead (the same way it was installed), which brings the dependencies along.',
        'Once the installed agent has the same dependencies, automatic updates within that line resume by themselves.',
      ],
    },
    es: {
      title: 'La actualización del agente necesita otras dependencias',
      message: 'El agente {version} depende de paquetes distintos a los del agente instalado {installed} ({difference}), por lo que no puede ejecutarse con las dependencias instaladas en esta máquina. El agente sigue ejecutando {installed}.',
      recommendations: [
        'Actualice el agente de esta máquina desde su origen de paquetes (del mismo modo en que se instaló), que trae consigo las dependencias.',
        'Cuando el agente instalado tenga las mismas dependencias, las actualizaciones automáticas dentro de esa línea se reanudan solas.',
      ],
    },
  },
  AgentPackageVersionConflict: {
    numericCode: 771757,
    httpStatus: 409,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent version already published with other contents',
      message: 'The vault already has an agent package of version {version} with SHA-256 {existing}; a published version never changes, so a package with other contents needs a new version.',
      recommendations: [
        'Raise the version in the package\'s package.json, rebuild it, and publish it under that version.',
        'See the packages and their checksums with `arca agent package list`.',
      ],
    },
    es: {
      title: 'Versión del agente ya publicada con otro contenido',
      message: 'El almacén ya tiene un paquete del agente de la versión {version} con SHA-256 {existing}; una versión publicada no cambia nunca, así que un paquete con otro contenido necesita una versión nueva.',
      recommendations: [
        'Suba la versión en el package.json del paquete, vuelva a generarlo y publíquelo con esa versión.',
        'Consulte los paquetes y sus sumas de comprobación con `arca agent package list`.',
      ],
    },
  },
  AgentVersionSetAside: {
    numericCode: 771758,
    httpStatus: 500,
    retryable: false,
    phase: 'agent',
    en: {
      title: 'Agent version set aside after failed starts',
      message: 'Agent {version} failed to start or to report {failures} times in a row ({reason}), so it was set aside and the agent went back to {fallback}. It is not tried again until a newer version is published.',
      recommendations: [
        'Read the agent\'s log (`journalctl -u arca-agent`) for the failures of {version}.',
        'Publish a fixed package under a newer version with `arca agent package publish FILE`; the agent updates to it by itself.',
        'To try {version} again anyway, delete its line from `update-state.json` in the agent\'s Lib.Dir and run `sudo systemctl restart arca-agent`.',
      ],
    },
    es: {
      title: 'Versión del agente apartada tras fallos de arranque',
      message: 'El agente {version} no arrancó o no informó {failures} veces seguidas ({reason}), así que se ha apartado y el agente ha vuelto a {fallback}. No se vuelve a probar hasta que se publique una versión más reciente.',
      recommendations: [
        'Lea el registro del agente (`journalctl -u arca-agent`) para ver los fallos de {version}.',
        'Publique un paquete corregido con una versión más reciente mediante `arca agent package publish ARCHIVO`; el agente se actualiza a ella por sí solo.',
        'Para volver a probar {version} de todos modos, borre su línea de `update-state.json` en el Lib.Dir del agente y ejecute `sudo systemctl restart arca-agent`.',
      ],
    },
  },
});
