import { defineErrors } from '../catalog-entry.ts';

/**
 * How a change to the resources backup depends on (virtual machines, locks, key vaults, storage
 * accounts, networks, DNS labels, quotas) can be refused. Block 771000, numbers 771020–771099.
 */
export const resourceErrors = defineErrors({
  DnsRecordInUse: {
    numericCode: 771020,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'DNS name label in use',
      message: 'The DNS name label {label} is already used in {location} by {resourceId}; a label can be used once per location.',
      recommendations: [
        'Choose another label; GET /subscriptions/<subscription>/providers/Microsoft.Network/locations/{location}/CheckDnsNameAvailability?domainNameLabel=<label> tells whether one is free.',
        'If the other public IP address is no longer needed, delete it or clear its label first.',
      ],
    },
    es: {
      title: 'Etiqueta DNS en uso',
      message: 'La etiqueta DNS {label} ya la usa {resourceId} en {location}; cada etiqueta puede usarse una vez por ubicación.',
      recommendations: [
        'Elija otra etiqueta; GET /subscriptions/<suscripción>/providers/Microsoft.Network/locations/{location}/CheckDnsNameAvailability?domainNameLabel=<etiqueta> indica si está libre.',
        'Si la otra dirección IP pública ya no hace falta, elimínela o quítele antes la etiqueta.',
      ],
    },
  },
  StorageAccountAlreadyTaken: {
    numericCode: 771021,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Storage account name taken',
      message: 'The storage account name {name} is already used by {resourceId}; storage account names are unique across the installation, whatever their resource group.',
      recommendations: ['Choose another name of 3 to 24 lower-case letters and digits.'],
    },
    es: {
      title: 'Nombre de cuenta de almacenamiento ocupado',
      message: 'El nombre de cuenta de almacenamiento {name} ya lo usa {resourceId}; estos nombres son únicos en toda la instalación, sea cual sea su grupo de recursos.',
      recommendations: ['Elija otro nombre de 3 a 24 letras minúsculas y dígitos.'],
    },
  },
  QuotaExceeded: {
    numericCode: 771022,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Quota reached',
      message: 'The resource group {resourceGroup} already holds {current} virtual machines and its quota allows {limit}, so {resourceId} cannot be created.',
      recommendations: [
        'Delete virtual machines the group no longer needs, or create the machine in another resource group.',
        'An Owner can raise the limit: PUT /subscriptions/<subscription>/resourceGroups/{resourceGroup}/providers/Arca.Management/quotas/virtualMachines with a larger properties.limit.',
      ],
    },
    es: {
      title: 'Cuota alcanzada',
      message: 'El grupo de recursos {resourceGroup} ya contiene {current} máquinas virtuales y su cuota permite {limit}, así que no se puede crear {resourceId}.',
      recommendations: [
        'Elimine las máquinas virtuales que el grupo ya no necesite, o cree la máquina en otro grupo de recursos.',
        'Un propietario (Owner) puede subir el límite: PUT /subscriptions/<suscripción>/resourceGroups/{resourceGroup}/providers/Arca.Management/quotas/virtualMachines con un properties.limit mayor.',
      ],
    },
  },
  ParentResourceNotFound: {
    numericCode: 771023,
    httpStatus: 404,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Parent resource not found',
      message: 'The request acts on something inside {parentId}, which does not exist.',
      recommendations: [
        'Create the parent resource first, or correct its name in the path; names are compared without regard to case.',
      ],
    },
    es: {
      title: 'No se encontró el recurso padre',
      message: 'La solicitud actúa sobre algo que está dentro de {parentId}, que no existe.',
      recommendations: [
        'Cree antes el recurso padre, o corrija su nombre en la ruta; los nombres se comparan sin distinguir mayúsculas.',
      ],
    },
  },
  VirtualMachineNameTaken: {
    numericCode: 771024,
    httpStatus: 409,
    retryable: false,
    phase: 'vault',
    en: {
      title: 'Virtual machine name taken',
      message: 'The resource group {resourceGroup} already has a virtual machine named {vmName}, so an agent cannot register a new machine under that name.',
      recommendations: [
        'Choose another name and create a new registration token for it: `arca agent token create --create --vm <name> --resource-group {resourceGroup}`.',
        'If the existing {vmName} is this machine, create a token for it instead (`arca agent token create --vm {vmName} --resource-group {resourceGroup}`) and register with its machine id.',
      ],
    },
    es: {
      title: 'Nombre de máquina virtual ocupado',
      message: 'El grupo de recursos {resourceGroup} ya tiene una máquina virtual llamada {vmName}, así que un agente no puede registrar una máquina nueva con ese nombre.',
      recommendations: [
        'Elija otro nombre y cree un token de registro nuevo para él: `arca agent token create --create --vm <nombre> --resource-group {resourceGroup}`.',
        'Si la {vmName} existente es esta máquina, cree un token para ella (`arca agent token create --vm {vmName} --resource-group {resourceGroup}`) y registre el agente con su id de máquina.',
      ],
    },
  },
});
